//! Checks on the built HTML: what a reader would see if a formula or an
//! include slipped through the build's own checks.

use std::fs;
use std::path::Path;

use anyhow::Context;
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
    let hidden =
        Regex::new(r"(?is)<(code|pre|script|style|head)\b.*?</(code|pre|script|style|head)>").expect("valid regex");
    let tag = Regex::new(r"(?s)<[^>]*>").expect("valid regex");
    let text = hidden.replace_all(html, " ");
    let text = tag.replace_all(&text, " ");
    text.replace("&#36;", "$").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
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

/// Checks every chapter page of a built site (`print.html` included): its
/// text with [`check_page_html`] and its links with [`check_links`].
pub fn check_site(site: &Path) -> anyhow::Result<Vec<HtmlProblem>> {
    let mut problems = Vec::new();
    let listing = fs::read_dir(site).with_context(|| format!("listing the built site {}", site.display()))?;
    for entry in listing {
        let path = entry.with_context(|| format!("listing the built site {}", site.display()))?.path();
        if path.extension().is_some_and(|e| e == "html") {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            // mdBook's 404 page resolves its links against the published
            // address, and the table-of-contents fragment has no chapter text.
            if name == "404.html" || name == "toc.html" {
                continue;
            }
            let html = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            problems.extend(check_page_html(&name, &html));
            problems.extend(check_links(site, &name, &html));
        }
    }
    Ok(problems)
}

/// Returns the links of `html` (the page `page` of the site in `site`) that
/// lead nowhere: a local file that does not exist, or a `#fragment` that no
/// element of its target page has as its `id`. Links to other hosts are not
/// followed, since the book is checked offline.
pub fn check_links(site: &Path, page: &str, html: &str) -> Vec<HtmlProblem> {
    let href = Regex::new(r#"<a\s[^>]*?href="([^"]*)""#).expect("valid regex");
    let scheme = Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:").expect("valid regex");
    let mut problems = Vec::new();
    for caps in href.captures_iter(html) {
        let link = caps[1].replace("&amp;", "&");
        if scheme.is_match(&link) || link.starts_with("//") {
            continue;
        }
        let (file, fragment) = link.split_once('#').unwrap_or((&link, ""));
        let file = file.split('?').next().unwrap_or_default();
        let target_name = if file.is_empty() { page.to_owned() } else { file.to_owned() };
        let mut target = site.join(&target_name);
        if file.ends_with('/') || target.is_dir() {
            target = target.join("index.html");
        }
        let problem = match fs::read_to_string(&target) {
            Err(_) => Some(format!("links to `{link}`, but the site has no {target_name}")),
            Ok(text) if !fragment.is_empty() && !text.contains(&format!("id=\"{fragment}\"")) => {
                Some(format!("links to `{link}`, but {target_name} has no element with id `{fragment}`"))
            }
            Ok(_) => None,
        };
        if let Some(problem) = problem {
            problems.push(HtmlProblem { page: page.to_owned(), problem });
        }
    }
    problems
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

    fn site_with(pages: &[(&str, &str)]) -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        for (name, html) in pages {
            fs::write(site.path().join(name), html).unwrap();
        }
        site
    }

    #[test]
    fn resolving_links_pass() {
        let site = site_with(&[
            ("a.html", r##"<h2 id="adam">Adam</h2><a href="b.html#loss">loss</a> <a href="#adam">up</a>"##),
            ("b.html", r#"<h2 id="loss">Loss</h2><a href="https://example.invalid/x#y">out</a>"#),
        ]);
        let html = fs::read_to_string(site.path().join("a.html")).unwrap();
        assert_eq!(check_links(site.path(), "a.html", &html), vec![]);
    }

    #[test]
    fn missing_page_link_detected() {
        let site = site_with(&[("a.html", r#"<a href="ch09.html">next</a>"#)]);
        let problems = check_links(site.path(), "a.html", r#"<a href="ch09.html">next</a>"#);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].problem.contains("no ch09.html"), "{problems:?}");
    }

    #[test]
    fn missing_fragment_detected() {
        let html = r##"<h2 id="adam">Adam</h2><a class="x" href="#adamw">see</a>"##;
        let site = site_with(&[("a.html", html)]);
        let problems = check_links(site.path(), "a.html", html);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].problem.contains("no element with id `adamw`"), "{problems:?}");
    }

    #[test]
    fn katex_error_detected() {
        let html = r#"<span class="katex-error" title="ParseError">\foo</span>"#;
        assert_eq!(check_page_html("p.html", html).len(), 1);
    }
}
