//! Checks every `{{#include}}` of the book before mdBook runs.
//!
//! mdBook 0.5 logs a missing file and leaves the directive in the page, and
//! an unknown anchor includes nothing without an error. Both would put a
//! broken listing in front of readers, so the build checks them first.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// One include directive that cannot be resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenInclude {
    pub page: PathBuf,
    pub line: usize,
    pub directive: String,
    pub problem: String,
}

/// Checks the include directives (`{{#include}}`, `{{#rustdoc_include}}`)
/// of every Markdown file under `src_dir`.
pub fn check_includes(src_dir: &Path) -> anyhow::Result<Vec<BrokenInclude>> {
    let mut broken = Vec::new();
    for page in markdown_files(src_dir)? {
        let text = fs::read_to_string(&page)?;
        broken.extend(check_page(&page, &text));
    }
    Ok(broken)
}

/// Checks the include directives of one page whose file is `page`.
pub fn check_page(page: &Path, text: &str) -> Vec<BrokenInclude> {
    let directive = Regex::new(r"\{\{\s*#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}").expect("valid regex");
    let base = page.parent().unwrap_or(Path::new("."));
    let mut broken = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for caps in directive.captures_iter(line) {
            let target = &caps[2];
            let report = |problem: String| BrokenInclude {
                page: page.to_path_buf(),
                line: index + 1,
                directive: caps[0].to_owned(),
                problem,
            };
            let (file, selector) = match target.split_once(':') {
                Some((file, selector)) => (file, Some(selector)),
                None => (target, None),
            };
            let path = base.join(file);
            let Ok(contents) = fs::read_to_string(&path) else {
                broken.push(report(format!("file {} not found", path.display())));
                continue;
            };
            if let Some(problem) = selector.and_then(|s| check_selector(&contents, s)) {
                broken.push(report(problem));
            }
        }
    }
    broken
}

/// Returns a problem with `selector` (an anchor name or a line range such
/// as `5:` or `3:10`) in `contents`, or `None` when it selects something.
fn check_selector(contents: &str, selector: &str) -> Option<String> {
    let is_range = selector.split(':').all(|part| part.is_empty() || part.parse::<usize>().is_ok());
    if is_range {
        let start: usize = selector.split(':').next().and_then(|s| s.parse().ok()).unwrap_or(1);
        let lines = contents.lines().count();
        return (start > lines).then(|| format!("line range {selector} starts after the file's {lines} lines"));
    }
    let begin = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(selector))).expect("valid regex");
    let end = Regex::new(&format!(r"ANCHOR_END:\s*{}\b", regex::escape(selector))).expect("valid regex");
    let begin_line = contents.lines().position(|l| begin.is_match(l));
    let end_line = contents.lines().position(|l| end.is_match(l));
    match (begin_line, end_line) {
        (None, _) => Some(format!(
            "anchor `{selector}` not found; add `ANCHOR: {selector}` and `ANCHOR_END: {selector}` comments"
        )),
        (Some(_), None) => Some(format!("anchor `{selector}` has no `ANCHOR_END: {selector}`")),
        (Some(b), Some(e)) if e <= b + 1 => Some(format!("anchor `{selector}` selects no lines")),
        _ => None,
    }
}

/// Returns the Markdown files under `dir`, sorted.
pub fn markdown_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_with(dir: &Path, directive: &str) -> Vec<BrokenInclude> {
        fs::write(
            dir.join("code.rs"),
            "// ANCHOR: step\nfn step() {}\n// ANCHOR_END: step\n// ANCHOR: empty\n// ANCHOR_END: empty\n",
        )
        .unwrap();
        let page = dir.join("page.md");
        check_page(&page, &format!("Text\n\n{directive}\n"))
    }

    #[test]
    fn include_known_anchor_passes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(page_with(dir.path(), "{{#include code.rs:step}}").is_empty());
    }

    #[test]
    fn include_missing_file_fails() {
        let dir = tempfile::tempdir().unwrap();
        let broken = page_with(dir.path(), "{{#include nothing.rs:step}}");
        assert_eq!(broken.len(), 1);
        assert!(broken[0].problem.contains("not found"), "{:?}", broken);
        assert_eq!(broken[0].line, 3);
    }

    #[test]
    fn include_unknown_anchor_fails() {
        let dir = tempfile::tempdir().unwrap();
        let broken = page_with(dir.path(), "{{#include code.rs:stepp}}");
        assert!(broken[0].problem.contains("anchor `stepp` not found"), "{:?}", broken);
    }

    #[test]
    fn include_empty_anchor_fails() {
        let dir = tempfile::tempdir().unwrap();
        let broken = page_with(dir.path(), "{{#include code.rs:empty}}");
        assert!(broken[0].problem.contains("selects no lines"), "{:?}", broken);
    }

    #[test]
    fn include_line_range_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert!(page_with(dir.path(), "{{#include code.rs:2:}}").is_empty());
        assert_eq!(page_with(dir.path(), "{{#include code.rs:40:}}").len(), 1);
    }
}
