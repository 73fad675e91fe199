//! KaTeX rendering at build time that fails on any formula KaTeX rejects.
//!
//! mdbook-katex 0.10's own preprocessor logs "Rendering failed" and keeps the
//! raw TeX in the page, and the build still succeeds. This preprocessor uses
//! the same scanner, configuration and KaTeX build as mdbook-katex, but
//! collects every failure with its page and formula and fails the build.

use anyhow::bail;
use mdbook_katex::cfg::get_config;
use mdbook_katex::preprocess::{get_render_tasks, ExtraOpts, Render};
use mdbook_katex::scan::Delimiter;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The book's KaTeX preprocessor, registered under mdbook-katex's name
/// `katex` so that `[preprocessor.katex]` in book.toml configures it.
pub struct CheckedKatex;

/// One formula KaTeX could not render.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderFailure {
    /// Page path relative to the book's source folder.
    pub page: String,
    /// The formula without its delimiters.
    pub formula: String,
    /// KaTeX's error message.
    pub message: String,
}

impl Preprocessor for CheckedKatex {
    fn name(&self) -> &str {
        "katex"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> mdbook_preprocessor::errors::Result<Book> {
        let cfg = get_config(&ctx.config)?;
        if let Some(macros) = &cfg.macros {
            // mdbook-katex panics on a missing macros file, so check first.
            let path = ctx.root.join(macros);
            if !path.is_file() {
                bail!(
                    "KaTeX macros file {} not found; create it or fix `macros` in [preprocessor.katex] of book.toml",
                    path.display()
                );
            }
        }
        let (inline_opts, display_opts) = cfg.build_opts(&ctx.root);
        let extra = cfg.build_extra_opts();

        let mut failures = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            let page =
                chapter.source_path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| chapter.name.clone());
            let mut rendered = String::with_capacity(chapter.content.len());
            for task in get_render_tasks(&chapter.content, "", &extra) {
                let (formula, opts) = match task {
                    Render::Text(text) => {
                        rendered.push_str(text);
                        continue;
                    }
                    Render::InlineTask(formula) => (formula, inline_opts.clone()),
                    Render::DisplayTask(formula) => (formula, display_opts.clone()),
                };
                match katex::render_with_opts(formula, opts) {
                    // KaTeX output is one line of HTML. Markdown would end an
                    // inline HTML block at a line break, so none may remain.
                    Ok(html) => rendered.push_str(&html.replace('\n', " ")),
                    Err(err) => failures.push(RenderFailure {
                        page: page.clone(),
                        formula: formula.to_owned(),
                        message: error_message(err),
                    }),
                }
            }
            chapter.content = rendered;
        });

        if !failures.is_empty() {
            let list: Vec<String> =
                failures.iter().map(|f| format!("  {}: `{}`: {}", f.page, f.formula, f.message)).collect();
            bail!(
                "KaTeX could not render {} formula(s); fix the TeX or add a macro to the macros file:\n{}",
                failures.len(),
                list.join("\n")
            );
        }
        Ok(book)
    }
}

fn error_message(err: katex::Error) -> String {
    match err {
        katex::Error::JsExecError(message) => message,
        other => other.to_string(),
    }
}

/// Returns every formula of `markdown` with its display flag, found with
/// mdbook-katex's scanner and the book's `$`/`$$` delimiters. Code spans
/// and escaped dollars (`\$`) are not formulas.
pub fn formulas(markdown: &str) -> Vec<(String, bool)> {
    let extra = ExtraOpts {
        include_src: false,
        block_delimiter: Delimiter::same("$$".into()),
        inline_delimiter: Delimiter::same("$".into()),
    };
    get_render_tasks(markdown, "", &extra)
        .into_iter()
        .filter_map(|task| match task {
            Render::InlineTask(f) => Some((f.to_owned(), false)),
            Render::DisplayTask(f) => Some((f.to_owned(), true)),
            Render::Text(_) => None,
        })
        .collect()
}

/// Returns the byte ranges of the formulas in `markdown`, without their
/// delimiters, found with the same scanner as [`formulas`].
pub fn formula_ranges(markdown: &str) -> Vec<std::ops::Range<usize>> {
    let extra = ExtraOpts {
        include_src: false,
        block_delimiter: Delimiter::same("$$".into()),
        inline_delimiter: Delimiter::same("$".into()),
    };
    let base = markdown.as_ptr() as usize;
    get_render_tasks(markdown, "", &extra)
        .into_iter()
        .filter_map(|task| match task {
            // Every task is a slice of `markdown`, so its pointer gives its offset.
            Render::InlineTask(f) | Render::DisplayTask(f) => {
                let start = f.as_ptr() as usize - base;
                Some(start..start + f.len())
            }
            Render::Text(_) => None,
        })
        .collect()
}
