//! Whole-book tests: the real book builds, every formula renders, every
//! include resolves, and every number on a page is printed by its crate.

use std::fs;
use std::path::PathBuf;

use xtask::{book, generate, html, includes, numbers, workspace_root};

fn root() -> PathBuf {
    workspace_root()
}

#[test]
fn book_builds_without_raw_tex() {
    let site = tempfile::tempdir().unwrap();
    book::build(&root(), site.path()).unwrap();
    let problems = html::check_site(site.path()).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    for chapter in xtask::chapters() {
        let page = site.path().join(chapter.page.replace(".md", ".html"));
        let html = fs::read_to_string(&page).unwrap();
        assert!(html.contains(r#"class="katex""#), "{} has no rendered formula", page.display());
    }
}

#[test]
fn site_serves_katex_locally() {
    let site = tempfile::tempdir().unwrap();
    book::build(&root(), site.path()).unwrap();
    let index = fs::read_to_string(site.path().join("index.html")).unwrap();
    assert!(index.contains(r#"href="katex/katex.min.css""#), "index.html does not link the local KaTeX stylesheet");
    assert!(!index.contains("cdn.jsdelivr.net"), "index.html still links KaTeX from a CDN");
    assert!(site.path().join("katex/katex.min.css").is_file());
}

#[test]
fn katex_fonts_all_vendored() {
    let katex = root().join("book/katex");
    let css = fs::read_to_string(katex.join("katex.min.css")).unwrap();
    let url = regex::Regex::new(r"url\((fonts/[^)]+)\)").unwrap();
    let mut count = 0;
    for caps in url.captures_iter(&css) {
        assert!(katex.join(&caps[1]).is_file(), "{} is referenced by katex.min.css but missing", &caps[1]);
        count += 1;
    }
    assert!(count >= 20, "only {count} font URLs found in katex.min.css");
}

#[test]
fn includes_all_resolve() {
    let broken = includes::check_includes(&root().join("book")).unwrap();
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn page_numbers_match_crates() {
    let mut failures = Vec::new();
    for chapter in xtask::chapters() {
        let path = root().join("book").join(chapter.page);
        let markdown = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let output = (chapter.report)().unwrap();
        for unknown in numbers::check_page(&markdown, &output) {
            failures.push(format!(
                "{}:{}: {} is not printed by `cargo run -p {}`: {}",
                chapter.page, unknown.line, unknown.token, chapter.package, unknown.context
            ));
        }
    }
    assert!(failures.is_empty(), "numbers on pages that the crates do not print:\n{}", failures.join("\n"));
}

#[test]
fn generated_files_current() {
    let stale = generate::check_all(&root()).unwrap();
    assert!(stale.is_empty(), "run `cargo xtask generate` and commit the result: {stale:#?}");
}

#[test]
fn every_chapter_in_summary() {
    let summary = fs::read_to_string(root().join("book/SUMMARY.md")).unwrap();
    for chapter in xtask::chapters() {
        assert!(summary.contains(&format!("({})", chapter.page)), "{} is not linked from SUMMARY.md", chapter.page);
    }
}

#[test]
fn changed_number_fails_check() {
    // The check must notice a page that quotes a value the crate no longer prints.
    let chapter = xtask::chapters().into_iter().find(|c| c.package == "ch04").unwrap();
    let markdown = fs::read_to_string(root().join("book").join(chapter.page)).unwrap();
    let output = (chapter.report)().unwrap().replace("0.768525", "0.768526");
    let unknown = numbers::check_page(&markdown, &output);
    assert!(unknown.iter().any(|u| u.token == "0.768525"), "{unknown:#?}");
}
