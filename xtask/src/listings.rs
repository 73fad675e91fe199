//! Names the source file above every listing that a page includes.
//!
//! A fenced code block whose only content is one `{{#include}}` directive
//! gets a caption with the included file's path from the workspace root,
//! so a reader can find the code in the repository. This runs before
//! mdBook's `links` preprocessor, while the directives are still visible.

use std::path::{Component, Path, PathBuf};

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::{Captures, Regex};

/// The preprocessor, configured as `[preprocessor.listings]` in book.toml.
pub struct ListingSources;

impl Preprocessor for ListingSources {
    fn name(&self) -> &str {
        "listings"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> mdbook_preprocessor::errors::Result<Book> {
        let src = PathBuf::from(&ctx.config.book.src);
        book.for_each_chapter_mut(|chapter| {
            let page_dir =
                chapter.source_path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default();
            chapter.content = caption_listings(&chapter.content, &src.join(page_dir));
        });
        Ok(book)
    }
}

/// Adds a `listing-source` caption above each fenced block of `markdown`
/// that consists of one include directive. `page_dir` is the page's folder
/// relative to the workspace root, which include paths are relative to.
pub fn caption_listings(markdown: &str, page_dir: &Path) -> String {
    let listing = Regex::new(r"(?m)^(```[^\n]*\n)\{\{#(?:include|rustdoc_include) ([^}:\s]+)[^}]*\}\}\n```")
        .expect("valid regex");
    listing
        .replace_all(markdown, |caps: &Captures| {
            let path = normalise(&page_dir.join(&caps[2]));
            format!("<p class=\"listing-source\"><code>{}</code></p>\n\n{}", path.display(), &caps[0])
        })
        .into_owned()
}

/// Resolves `..` and `.` components without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_names_workspace_path() {
        let page = "Text\n\n```rust\n{{#include ../chapters/ch04/src/lib.rs:sigmoid_prime}}\n```\n";
        let captioned = caption_listings(page, Path::new("book"));
        assert!(
            captioned.contains("<p class=\"listing-source\"><code>chapters/ch04/src/lib.rs</code></p>"),
            "{captioned}"
        );
        assert!(captioned.ends_with("```rust\n{{#include ../chapters/ch04/src/lib.rs:sigmoid_prime}}\n```\n"));
    }

    #[test]
    fn caption_skips_mixed_blocks() {
        let page = "```rust\nlet a = 1;\n{{#include ../a.rs}}\n```\n";
        assert_eq!(caption_listings(page, Path::new("book")), page);
    }
}
