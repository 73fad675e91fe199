//! Wraps the long lines of a chapter's printed output.

use std::fmt::Write as _;

/// Widest line a chapter's report prints, in characters. Wider lines would need
/// sideways scrolling in the book's code blocks.
pub const MAX_LINE_CHARS: usize = 100;

/// Writes `prefix` and `text` as one line, or as several when one line would
/// be wider than [`MAX_LINE_CHARS`]. The text breaks at spaces outside
/// brackets, and each further line starts with `continuation`. A word wider
/// than the limit stays whole.
pub fn write_wrapped(out: &mut String, prefix: &str, continuation: &str, text: &str) -> std::fmt::Result {
    let mut line = prefix.to_owned();
    let mut line_has_words = false;
    for word in words_outside_brackets(text) {
        let width = line.chars().count() + usize::from(line_has_words) + word.chars().count();
        if line_has_words && width > MAX_LINE_CHARS {
            writeln!(out, "{line}")?;
            line = continuation.to_owned();
            line_has_words = false;
        }
        if line_has_words {
            line.push(' ');
        }
        line.push_str(word);
        line_has_words = true;
    }
    writeln!(out, "{line}")
}

/// Splits `text` at the spaces that lie outside (…) and […], so that a shape
/// such as (3, 1) or a vector such as [0.3, 0.8] never breaks across lines.
fn words_outside_brackets(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut depth = 0_i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ' ' if depth <= 0 => {
                if i > start {
                    words.push(&text[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        words.push(&text[start..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_stays_on_one_line() {
        let mut out = String::new();
        write_wrapped(&mut out, "  ", "    ", "a short line").unwrap();
        assert_eq!(out, "  a short line\n");
    }

    #[test]
    fn long_text_wraps_outside_brackets() {
        let text = format!("{} [0.3, 0.8] (3, 1) end", "word ".repeat(20).trim_end());
        let mut out = String::new();
        write_wrapped(&mut out, "", "  ", &text).unwrap();

        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines.iter().all(|line| line.chars().count() <= MAX_LINE_CHARS), "{out}");
        assert!(lines[1].starts_with("  "), "{out}");
        assert!(out.contains("[0.3, 0.8]"), "{out}");
        assert!(out.contains("(3, 1)"), "{out}");
    }
}
