//! Checks on the built HTML: what a reader would see if a formula or an
//! include slipped through the build's own checks.

use std::fs;
use std::path::Path;

use regex::Regex;

/// One problem found in a built page.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlProblem {
    pub page: String,
    pub problem: String,
}

/// Returns the text of `html` a reader sees outside `<code>`, `<pre>`,
/// `<script>` and `<style>`, with tags removed and entities for `$`, `<`,
/// `>` and `&` decoded.
pub fn visible_text_outside_code(html: &str) -> String {
    let hidden = Regex::new(r"(?is)<(code|pre|script|style|head)\b.*?</(code|pre|script|style|head)>").expect("valid regex");
    let tag = Regex::new(r"(?s)<[^>]*>").expect("valid regex");
    let text = hidden.replace_all(html, " ");
    let text = tag.replace_all(&text, " ");
    text.replace("&#36;", "$")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Returns the problems of one built page: a `katex-error` element, an
/// unresolved mdBook directive, or TeX that still has its `$` delimiters.
pub fn check_page_html(page: &str, html: &str) -> Vec<HtmlProblem> {
    let mut problems = Vec::new();
    let mut add = |problem: String| problems.push(HtmlProblem { page: page.to_owned(), problem });

    if html.contains("katex-error") {
        add("contains a katex-error element".to_owned());
    }
    let text = visible_text_outside_code(html);
    if text.contains("{{#") {
        add("contains an unresolved mdBook directive `{{#…}}`".to_owned());
    }
    if let Some(at) = text.find("$$") {
        add(format!("contains a `$$` delimiter near `{}`", excerpt(&text, at)));
    }
    // A `$` followed by TeX before the next `$` on the same line is raw
    // math; a lone `$` (a price) is not.
    let inline = Regex::new(r"\$[^$\n]*(\\[A-Za-z]+|[_^]\{?)[^$\n]*\$").expect("valid regex");
    if let Some(m) = inline.find(&text) {
        add(format!("contains raw TeX between `$` delimiters: `{}`", m.as_str()));
    }
    problems
}

fn excerpt(text: &str, at: usize) -> String {
    let start = text.floor_char_boundary(at.saturating_sub(30));
    let end = text.ceil_char_boundary((at + 30).min(text.len()));
    text[start..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks every chapter page of a built site (`print.html` included).
pub fn check_site(site: &Path) -> anyhow::Result<Vec<HtmlProblem>> {
    let mut problems = Vec::new();
    for entry in fs::read_dir(site)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "html") {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            // mdBook's 404 page and table-of-contents fragment have no chapter text.
            if name == "404.html" || name == "toc.html" {
                continue;
            }
            problems.extend(check_page_html(&name, &fs::read_to_string(&path)?));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_inline_math_detected() {
        let problems = check_page_html("p.html", "<p>We have $\\hat{y}_1 = 0.5$ here.</p>");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn raw_display_math_detected() {
        let problems = check_page_html("p.html", "<p>$$\nL = 1\n$$</p>");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn price_and_code_pass() {
        let html = "<p>It costs $2 and $3 a month.</p><pre><code>echo $HOME $$</code></pre>";
        assert!(check_page_html("p.html", html).is_empty());
    }

    #[test]
    fn katex_error_detected() {
        let html = r#"<span class="katex-error" title="ParseError">\foo</span>"#;
        assert_eq!(check_page_html("p.html", html).len(), 1);
    }
}
