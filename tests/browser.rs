//! The built book as a reader's browser shows it.
//!
//! These tests build the book, serve it on 127.0.0.1 and drive Debian's
//! headless Chromium through chromedriver over every page of
//! `book/SUMMARY.md` and `print.html`. They need `chromium` and
//! `chromedriver` on `PATH` (`sudo apt-get install chromium chromium-driver`)
//! and fail with that command when either is missing. Full-page screenshots
//! of the chapters go to `artifacts/screenshots/`.
//!
//! Set `BOOK_SITE_DIR` to test a site built earlier by
//! `cargo xtask build --dest <folder>` instead of building one.

#[path = "browser/checks.rs"]
mod checks;
#[path = "browser/driver.rs"]
mod driver;
#[path = "browser/site.rs"]
mod site;

use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use checks::{check_page, page_of, search, PageReport};
use driver::Browser;

/// Serializes the tests: each starts its own Chromium, and two at once
/// only compete for the same cores.
static ONE_BROWSER_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Starts a browser, runs `body` with it and closes it again, on a
/// single-threaded tokio runtime. Panics with the error's whole chain.
fn with_browser<T>(body: impl AsyncFnOnce(&Browser) -> anyhow::Result<T>) -> T {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a single-threaded tokio runtime builds");
    runtime.block_on(async {
        let browser = driver::launch().await.unwrap_or_else(|err| panic!("{err:#}"));
        let result = body(&browser).await;
        let closed = browser.close().await;
        let value = result.unwrap_or_else(|err| panic!("{err:#}"));
        closed.unwrap_or_else(|err| panic!("{err:#}"));
        value
    })
}

fn book() -> &'static site::ServedSite {
    site::book().unwrap_or_else(|err| panic!("{err}"))
}

fn pages() -> Vec<String> {
    site::summary_pages(&xtask::workspace_root()).unwrap_or_else(|err| panic!("{err:#}"))
}

fn screenshot_dir() -> PathBuf {
    xtask::workspace_root().join("artifacts").join("screenshots")
}

/// Lists every problem of every report, one page per line.
fn describe(reports: &[PageReport]) -> String {
    reports
        .iter()
        .filter(|report| !report.problems.is_empty())
        .map(|report| format!("{}:\n    {}", report.page, report.problems.join("\n    ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks one page of the damaged site.
fn check_damaged(file: &str) -> PageReport {
    let damaged = site::damaged_book().unwrap_or_else(|err| panic!("{err}"));
    let page = damaged.pages.iter().find(|page| page.file == file).unwrap_or_else(|| panic!("no damaged page {file}"));
    eprintln!("{file} is a damaged copy of {}", page.source);
    let url = damaged.site.url(file);
    with_browser(async |browser| check_page(browser, file, &url).await)
}

fn mentions(report: &PageReport, text: &str) -> bool {
    report.problems.iter().any(|problem| problem.contains(text))
}

#[test]
fn chapter_pages_pass_browser_checks() {
    let book = book();
    let pages = pages();
    let shots = screenshot_dir();
    fs::create_dir_all(&shots).unwrap_or_else(|err| panic!("cannot create {}: {err}", shots.display()));

    let reports = with_browser(async |browser| {
        let mut reports = Vec::new();
        for page in &pages {
            reports.push(check_page(browser, page, &book.url(page)).await?);
            let png = browser.full_page_png().await?;
            let file = shots.join(page.replace(".html", ".png"));
            fs::write(&file, png).map_err(|err| anyhow::anyhow!("cannot write {}: {err}", file.display()))?;
        }
        Ok(reports)
    });

    assert!(describe(&reports).is_empty(), "pages with problems:\n{}", describe(&reports));
    let formulas: u64 = reports.iter().map(|report| report.formulas).sum();
    assert!(formulas > 0, "no page of the book has a KaTeX formula, so the math checks checked nothing");
    let figures: u64 = reports.iter().map(|report| report.figures).sum();
    assert!(figures > 0, "no page of the book has a figure, so the figure checks checked nothing");
    let untitled: Vec<&str> =
        reports.iter().filter(|report| report.title.is_empty()).map(|report| report.page.as_str()).collect();
    assert!(untitled.is_empty(), "pages without an <h1> heading: {untitled:?}");
}

#[test]
fn chapter_navigation_follows_summary() {
    let book = book();
    let pages = pages();
    let urls: Vec<String> = pages.iter().map(|page| book.url(page)).collect();
    let reports = with_browser(async |browser| {
        let mut reports = Vec::new();
        for page in &pages {
            reports.push(check_page(browser, page, &book.url(page)).await?);
        }
        Ok(reports)
    });

    for (i, report) in reports.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| urls[j].clone());
        assert_eq!(report.previous, previous, "previous-chapter link of {}", report.page);
        let next = urls.get(i + 1).cloned();
        assert_eq!(report.next, next, "next-chapter link of {}", report.page);
        assert_eq!(report.sidebar, urls, "table of contents on {}", report.page);
    }
}

#[test]
fn print_page_renders_all_math() {
    let book = book();
    let expected: usize = pages()
        .iter()
        .map(|page| {
            let html =
                fs::read_to_string(book.dir.join(page)).unwrap_or_else(|err| panic!("cannot read {page}: {err}"));
            html.matches("<span class=\"katex\">").count()
        })
        .sum();

    let report = with_browser(async |browser| check_page(browser, "print.html", &book.url("print.html")).await);

    assert!(report.problems.is_empty(), "print.html:\n    {}", report.problems.join("\n    "));
    assert_eq!(report.formulas, expected as u64, "formulas on print.html versus the chapter pages together");
}

#[test]
fn search_finds_chapter_pages() {
    let book = book();
    let start = book.url(&pages()[0]);
    let cases = [("cross-entropy", "ch02-cross-entropy.html"), ("backpropagation", "ch04-backpropagation.html")];

    let outcomes = with_browser(async |browser| {
        let mut outcomes = Vec::new();
        for (query, _) in cases {
            outcomes.push(search(browser, &start, query).await?);
        }
        Ok(outcomes)
    });

    for ((query, page), outcome) in cases.iter().zip(&outcomes) {
        let top = outcome.results.first().map(|url| page_of(url));
        assert_eq!(top.as_deref(), Some(*page), "top result for {query:?} among {:?}", outcome.results);
        assert_eq!(outcome.landed_on.as_deref(), Some(*page), "page reached from the top result for {query:?}");
        assert!(!outcome.landed_title.is_empty(), "heading of {page} reached by searching {query:?}");
        assert!(
            outcome.console_errors.is_empty(),
            "console errors while searching {query:?}: {:?}",
            outcome.console_errors
        );
    }
}

#[test]
fn katex_error_element_reported() {
    let report = check_damaged("formula-error.html");
    assert!(mentions(&report, "KaTeX error element"), "{:?}", report.problems);
}

#[test]
fn collapsed_formulas_reported() {
    let report = check_damaged("formula-collapsed.html");
    assert!(mentions(&report, "formulas have zero size"), "{:?}", report.problems);
}

#[test]
fn unrendered_tex_delimiters_reported() {
    let report = check_damaged("formula-raw-tex.html");
    assert!(mentions(&report, "visible TeX delimiter"), "{:?}", report.problems);
}

#[test]
fn unrendered_inline_tex_reported() {
    let report = check_damaged("formula-raw-inline.html");
    assert!(mentions(&report, "visible TeX delimiter"), "{:?}", report.problems);
}

#[test]
fn formula_wider_than_column_reported() {
    let report = check_damaged("formula-too-wide.html");
    assert!(mentions(&report, "display formula 3"), "{:?}", report.problems);
}

#[test]
fn dollar_prices_not_reported() {
    // `\$2` in the Markdown is a price and `$HOME` in code is verbatim; neither is TeX.
    let report = check_damaged("dollar-prices.html");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn missing_katex_stylesheet_reported() {
    let report = check_damaged("formula-no-stylesheet.html");
    assert!(mentions(&report, "KaTeX_Main font is not loaded"), "{:?}", report.problems);
    assert!(mentions(&report, "katex/missing.css returned HTTP 404"), "{:?}", report.problems);
    assert!(mentions(&report, "console error"), "{:?}", report.problems);
}

#[test]
fn missing_figure_reported() {
    let report = check_damaged("figure-missing.html");
    assert!(mentions(&report, "did not load"), "{:?}", report.problems);
    assert!(mentions(&report, "returned HTTP 404"), "{:?}", report.problems);
    assert!(mentions(&report, "console error"), "{:?}", report.problems);
}

#[test]
fn figure_without_alt_text_reported() {
    let report = check_damaged("figure-no-alt.html");
    assert!(mentions(&report, "neither alt text nor a caption"), "{:?}", report.problems);
}

#[test]
fn request_to_other_host_reported() {
    let report = check_damaged("outside-request.html");
    assert!(mentions(&report, "request to another host: http://example.invalid/figure.svg"), "{:?}", report.problems);
}
