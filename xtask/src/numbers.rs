//! Ties the numbers written in a page to the numbers its crate prints.
//!
//! Every number token in a page's prose, tables and formulas must appear,
//! digit for digit, among the tokens of the chapter's printed output. The
//! integers −10 to 10 are exempt, because pages use them as indices, counts
//! and small factors. Code blocks, inline code, include directives, link
//! targets, HTML tags and TeX sub- and superscripts are not read.
//!
//! A sign counts as part of a number when it touches the digits and does not
//! follow a letter, digit or closing bracket: `−0.122` and `(-0.122)` are
//! negative numbers, while `0.5 - 0.1` is two positive ones.

use std::collections::BTreeSet;

use regex::Regex;

use crate::katex::formula_ranges;

/// A number in a page that the chapter's output does not contain.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownNumber {
    /// 1-based line of the page.
    pub line: usize,
    /// The number as written, with `−` normalised to `-`.
    pub token: String,
    /// The page line, trimmed, for the error message.
    pub context: String,
}

/// Returns the number tokens of `text`, with `−` (U+2212) normalised to `-`.
pub fn tokens(text: &str) -> Vec<String> {
    located_tokens(text).into_iter().map(|(_, t)| t).collect()
}

/// Returns (byte offset, token) for each number in `text`.
fn located_tokens(text: &str) -> Vec<(usize, String)> {
    let number = Regex::new(r"[-−]?[0-9]+(?:\.[0-9]+)?(?:e[-−]?[0-9]+)?").expect("valid regex");
    let mut found = Vec::new();
    for m in number.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let mut token = m.as_str().replace('−', "-");
        let mut start = m.start();

        // A number glued to a name (ch04, f64, x1, 1st) is part of the name.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        if after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        // `a-1` or `(x)−2`: the sign is an operator, not part of the number.
        if token.starts_with('-') && before.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | ']' | '}')) {
            token.remove(0);
            start += m.as_str().chars().next().map_or(0, char::len_utf8);
        }
        found.push((start, token));
    }
    found
}

/// True for the integers −10 to 10, which pages may use freely.
fn is_exempt(token: &str) -> bool {
    token.parse::<i64>().is_ok_and(|n| (-10..=10).contains(&n))
}

/// Replaces code, directives, link targets and HTML tags with spaces so
/// that byte offsets, and so line numbers, stay the same.
fn blank_non_prose(markdown: &str) -> String {
    let patterns = [
        r"(?ms)^\s*```.*?^\s*```[^\n]*$", // fenced code blocks
        r"(?ms)^\s*~~~.*?^\s*~~~[^\n]*$",
        r"`[^`\n]*`",                 // inline code
        r"\{\{#[^}]*\}\}",            // mdBook directives
        r"(?s)<!--.*?-->",            // HTML comments
        r"\]\([^)]*\)",               // link and image targets
        r"(?m)^\[[^\]]+\]:\s*\S+.*$", // reference definitions
        r"</?[A-Za-z][^>]*>",         // HTML tags
        r"https?://\S+",              // bare URLs
    ];
    let mut text = markdown.to_owned();
    for pattern in patterns {
        let re = Regex::new(pattern).expect("valid regex");
        text = re.replace_all(&text, |caps: &regex::Captures| blank(&caps[0])).into_owned();
    }
    text
}

/// Replaces TeX sub- and superscripts (`_{11}`, `^2`, `^{(1)}`) and command
/// names (`\frac`) in a formula with spaces.
fn blank_tex_scripts(formula: &str) -> String {
    let script = Regex::new(r"[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|.)").expect("valid regex");
    let command = Regex::new(r"\\[A-Za-z]+").expect("valid regex");
    let text = script.replace_all(formula, |caps: &regex::Captures| blank(&caps[0]));
    command.replace_all(&text, |caps: &regex::Captures| blank(&caps[0])).into_owned()
}

fn blank(text: &str) -> String {
    text.chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect::<String>()
        // Keep byte lengths equal so offsets match the original text.
        + &" ".repeat(text.len() - text.chars().count())
}

/// Returns the number tokens a reader sees in `markdown`, with their lines.
pub fn page_tokens(markdown: &str) -> Vec<(usize, String)> {
    let prose = blank_non_prose(markdown);
    let mut readable = prose.clone();
    for range in formula_ranges(&prose) {
        readable.replace_range(range.clone(), &blank_tex_scripts(&prose[range]));
    }

    located_tokens(&readable)
        .into_iter()
        .map(|(offset, token)| (readable[..offset].matches('\n').count() + 1, token))
        .collect()
}

/// Checks that every number of `markdown` appears in `output`.
pub fn check_page(markdown: &str, output: &str) -> Vec<UnknownNumber> {
    let known: BTreeSet<String> = tokens(output).into_iter().collect();
    let lines: Vec<&str> = markdown.lines().collect();
    page_tokens(markdown)
        .into_iter()
        .filter(|(_, token)| !is_exempt(token) && !known.contains(token))
        .map(|(line, token)| UnknownNumber {
            line,
            token,
            context: lines.get(line - 1).map(|l| l.trim().to_owned()).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_attached_sign() {
        assert_eq!(tokens("δ₁ = −0.231475 and (-0.122)"), ["-0.231475", "-0.122"]);
    }

    #[test]
    fn tokens_skip_names_with_digits() {
        assert_eq!(tokens("ch04 uses f64 and x1"), Vec::<String>::new());
    }

    #[test]
    fn tokens_treat_spaced_minus_as_operator() {
        assert_eq!(tokens("0.5 - 0.1"), ["0.5", "0.1"]);
        assert_eq!(tokens("σ(z)−2"), ["2"]);
    }

    #[test]
    fn tokens_read_scientific_notation() {
        assert_eq!(tokens("σ(−100) = 3.72008e−44"), ["-100", "3.72008e-44"]);
    }

    #[test]
    fn page_tokens_skip_subscripts() {
        let found = page_tokens("$w_{11} = 0.5$ and $x^{2}$");
        assert_eq!(found, [(1, "0.5".to_owned())]);
    }

    #[test]
    fn page_tokens_skip_code() {
        let page = "Text 0.25\n\n```rust\nlet a = 0.75;\n```\n\nand `0.125` then 0.5\n";
        let found: Vec<String> = page_tokens(page).into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, ["0.25", "0.5"]);
    }

    #[test]
    fn page_tokens_report_lines() {
        let found = page_tokens("first\n\nsecond 1.3\n\n$$\nz_2 = 1.5\n$$\n");
        assert_eq!(found, [(3, "1.3".to_owned()), (6, "1.5".to_owned())]);
    }

    #[test]
    fn check_page_flags_unknown_number() {
        let output = "z₂ = 1.3\nŷ₁ = 0.768525\n";
        let unknown = check_page("We get $z_2 = 1.5$ and ŷ₁ = 0.768525.", output);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].token, "1.5");
    }

    #[test]
    fn check_page_flags_wrong_sign() {
        let unknown = check_page("δ₁ = 0.231475", "δ₁ = -0.231475");
        assert_eq!(unknown[0].token, "0.231475");
    }

    #[test]
    fn check_page_exempts_small_integers() {
        assert!(check_page("Take 2 inputs and 10 steps, index −1.", "").is_empty());
        assert_eq!(check_page("Take 11 steps.", "").len(), 1);
    }

    #[test]
    fn check_page_ignores_links() {
        assert!(check_page("See [figure](figures/ch04-12.svg) at https://example.com/9.5", "").is_empty());
    }
}
