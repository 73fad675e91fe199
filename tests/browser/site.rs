//! The sites the browser tests load: the book as `cargo xtask build` writes
//! it, and a copy with deliberately damaged pages.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{bail, Context};
use xtask::serve::BackgroundServer;

/// Environment variable naming an already built site to test instead of
/// building one, so that a deployment can test the exact folder it uploads.
pub const SITE_DIR_VARIABLE: &str = "BOOK_SITE_DIR";

/// Scratch space cargo gives integration tests, under the target folder.
fn scratch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// Returns the chapter pages in reading order as HTML file names, read from
/// the links of `book/SUMMARY.md`.
pub fn summary_pages(root: &Path) -> anyhow::Result<Vec<String>> {
    let summary_path = root.join("book").join("SUMMARY.md");
    let summary = fs::read_to_string(&summary_path).with_context(|| format!("reading {}", summary_path.display()))?;
    let mut pages = Vec::new();
    for line in summary.lines() {
        let Some(start) = line.find("](") else { continue };
        let target = &line[start + 2..];
        let Some(end) = target.find(')') else { continue };
        let page = &target[..end];
        if let Some(stem) = page.strip_suffix(".md") {
            pages.push(format!("{stem}.html"));
        }
    }
    if pages.is_empty() {
        bail!("{} links no pages; add `[Title](page.md)` lines", summary_path.display());
    }
    Ok(pages)
}

/// A site on disk and the server that serves it on 127.0.0.1.
pub struct ServedSite {
    pub dir: PathBuf,
    pub server: BackgroundServer,
}

impl ServedSite {
    /// Returns the URL of `page` on the server.
    pub fn url(&self, page: &str) -> String {
        format!("{}{page}", self.server.url())
    }
}

fn serve(dir: PathBuf) -> anyhow::Result<ServedSite> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a port on 127.0.0.1 for the site")?;
    let server = xtask::serve::spawn(&dir, listener)?;
    Ok(ServedSite { dir, server })
}

fn build_book() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(SITE_DIR_VARIABLE) {
        let dir = PathBuf::from(dir);
        if !dir.join("index.html").is_file() {
            bail!("{SITE_DIR_VARIABLE}={} contains no index.html; build the site with `cargo xtask build --dest <folder>` first", dir.display());
        }
        return Ok(dir);
    }
    let dir = scratch_dir().join("site");
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("removing the previous site {}", dir.display()))?;
    }
    xtask::book::build(&xtask::workspace_root(), &dir).context("building the book")
}

/// Returns the book built from the working tree (or the folder named by
/// `BOOK_SITE_DIR`), served on 127.0.0.1. The site is built once per test
/// run, and a failure is reported to every test that needs it.
pub fn book() -> Result<&'static ServedSite, String> {
    static BOOK: OnceLock<Result<ServedSite, String>> = OnceLock::new();
    BOOK.get_or_init(|| build_book().and_then(serve).map_err(|err| format!("{err:#}"))).as_ref().map_err(String::clone)
}

/// One damaged copy of a chapter page.
pub struct DamagedPage {
    pub file: &'static str,
    /// The chapter page it was made from.
    pub source: String,
}

/// Copies every file of `from` into `to`, folders included.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target).with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Replaces the first `pattern` in `html`, failing when it is absent so a
/// change in mdBook's or KaTeX's output cannot turn a damage into a no-op.
fn replace_first(html: &str, pattern: &str, replacement: &str, page: &str) -> anyhow::Result<String> {
    if !html.contains(pattern) {
        bail!("{page} contains no `{pattern}` to damage");
    }
    Ok(html.replacen(pattern, replacement, 1))
}

fn replace_all(html: &str, pattern: &str, replacement: &str, page: &str) -> anyhow::Result<String> {
    if !html.contains(pattern) {
        bail!("{page} contains no `{pattern}` to damage");
    }
    Ok(html.replace(pattern, replacement))
}

/// Empties the `alt` attribute of every `<img>` element.
fn remove_alt_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img ") {
        let end = start + rest[start..].find('>').unwrap_or(rest.len() - start);
        out.push_str(&rest[..start]);
        let tag = &rest[start..end];
        match tag.find(" alt=\"") {
            Some(alt) => {
                let value_start = alt + " alt=\"".len();
                let value_end = value_start + tag[value_start..].find('"').unwrap_or(tag.len() - value_start);
                out.push_str(&tag[..value_start]);
                out.push_str(&tag[value_end..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Returns the first page of `pages` whose HTML contains `needle`.
fn first_page_with(dir: &Path, pages: &[String], needle: &str) -> anyhow::Result<(String, String)> {
    for page in pages {
        let html = fs::read_to_string(dir.join(page)).with_context(|| format!("reading {page}"))?;
        if html.contains(needle) {
            return Ok((page.clone(), html));
        }
    }
    bail!("no page of the book contains `{needle}`, so there is nothing to damage")
}

/// Returns the address of the first figure in `html`, from `<img src="figures/…">`.
fn first_figure(html: &str) -> Option<&str> {
    let start = html.find("<img src=\"figures/")? + "<img src=\"".len();
    let end = start + html[start..].find('"')?;
    Some(&html[start..end])
}

/// Writes damaged copies of real chapter pages next to the real pages, in a
/// copy of the built book.
fn build_damaged(book: &Path, pages: &[String]) -> anyhow::Result<(PathBuf, Vec<DamagedPage>)> {
    let dir = scratch_dir().join("damaged-site");
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("removing the previous damaged site {}", dir.display()))?;
    }
    copy_tree(book, &dir)?;

    let (formula_page, formula_html) = first_page_with(&dir, pages, "<span class=\"katex\">")?;
    let (figure_page, figure_html) = first_page_with(&dir, pages, "<img src=\"figures/")?;
    let figure = first_figure(&figure_html).context("no figure address found")?.to_owned();
    let missing = figure.replacen("figures/", "figures/missing-", 1);

    let katex_error =
        "<span class=\"katex-error\" title=\"ParseError: KaTeX parse error: Undefined control sequence: \\yhatt\" \
                       style=\"color:#cc0000\">\\yhatt_1</span> <span class=\"katex\">";
    let raw_tex = "<main><p>The loss is $$L = -\\ln \\hat{y}_2$$ for this example.</p>";
    let raw_inline = "<main><p>The first output is $\\hat{y}_1 = 0.5$ here.</p>";
    let prices = "<main><p>A cloud GPU costs $2 an hour, or $3.50 with storage; \
                  <code>$HOME/.cargo</code> holds the tools.</p>";
    let wide = "<main><p><span class=\"katex-display\"><span class=\"katex\">\
                <span class=\"katex-html\" style=\"display:inline-block;width:3000px\">L = 1</span>\
                </span></span></p>";
    let outside = "<main><p><img src=\"http://example.invalid/figure.svg\" alt=\"A figure from another host\"></p>";

    let damaged: Vec<(&'static str, &String, String)> = vec![
        (
            "formula-error.html",
            &formula_page,
            replace_first(&formula_html, "<span class=\"katex\">", katex_error, &formula_page)?,
        ),
        (
            "formula-collapsed.html",
            &formula_page,
            replace_all(
                &formula_html,
                "<span class=\"katex-html\"",
                "<span style=\"display:none\" class=\"katex-html\"",
                &formula_page,
            )?,
        ),
        ("formula-raw-tex.html", &formula_page, replace_first(&formula_html, "<main>", raw_tex, &formula_page)?),
        ("formula-raw-inline.html", &formula_page, replace_first(&formula_html, "<main>", raw_inline, &formula_page)?),
        ("dollar-prices.html", &formula_page, replace_first(&formula_html, "<main>", prices, &formula_page)?),
        ("formula-too-wide.html", &formula_page, replace_first(&formula_html, "<main>", wide, &formula_page)?),
        (
            "formula-no-stylesheet.html",
            &formula_page,
            replace_first(&formula_html, "katex/katex.min.css", "katex/missing.css", &formula_page)?,
        ),
        ("figure-missing.html", &figure_page, replace_all(&figure_html, &figure, &missing, &figure_page)?),
        ("figure-no-alt.html", &figure_page, remove_alt_text(&figure_html)),
        ("outside-request.html", &figure_page, replace_first(&figure_html, "<main>", outside, &figure_page)?),
    ];
    let mut written = Vec::new();
    for (file, source, html) in damaged {
        fs::write(dir.join(file), html).with_context(|| format!("writing {file}"))?;
        written.push(DamagedPage { file, source: source.clone() });
    }
    Ok((dir, written))
}

/// A copy of the book with damaged pages, served on 127.0.0.1, and the
/// pages it adds.
pub struct DamagedSite {
    pub site: ServedSite,
    pub pages: Vec<DamagedPage>,
}

/// Returns the damaged copy of [`book`], built once per test run.
pub fn damaged_book() -> Result<&'static DamagedSite, String> {
    static DAMAGED: OnceLock<Result<DamagedSite, String>> = OnceLock::new();
    DAMAGED
        .get_or_init(|| {
            let book = book()?;
            let pages = summary_pages(&xtask::workspace_root()).map_err(|err| format!("{err:#}"))?;
            let (dir, pages) = build_damaged(&book.dir, &pages).map_err(|err| format!("{err:#}"))?;
            let site = serve(dir).map_err(|err| format!("{err:#}"))?;
            Ok(DamagedSite { site, pages })
        })
        .as_ref()
        .map_err(String::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_removed_from_images() {
        let html = r#"<p><img src="a.svg" alt="A curve"><img src="a.svg" alt="A curve"></p>"#;
        assert_eq!(remove_alt_text(html), r#"<p><img src="a.svg" alt=""><img src="a.svg" alt=""></p>"#);
    }
}
