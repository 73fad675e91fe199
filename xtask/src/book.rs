//! Builds the book with mdBook and the checked KaTeX preprocessor.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;

use crate::katex::CheckedKatex;
use crate::listings::ListingSources;

/// Builds the book whose `book.toml` is in `root` into `dest`, and returns
/// `dest`.
///
/// Fails before rendering when an include directive is broken, and during
/// rendering when KaTeX rejects a formula, naming the page in both cases.
/// The built site is self-contained: KaTeX's stylesheet and fonts are
/// served from `katex/` inside it.
pub fn build(root: &Path, dest: &Path) -> anyhow::Result<PathBuf> {
    let book_toml = root.join("book.toml");
    let mut config = Config::from_disk(&book_toml).with_context(|| format!("reading {}", book_toml.display()))?;
    // MDBOOK_* variables override book.toml as they do for the mdbook
    // binary, e.g. MDBOOK_OUTPUT__HTML__SITE_URL for a project site.
    config.update_from_env().context("reading MDBOOK_* environment variables")?;
    config.build.build_dir = dest.to_path_buf();

    let src = root.join(&config.book.src);
    let broken = crate::includes::check_includes(&src)?;
    if !broken.is_empty() {
        let list: Vec<String> = broken
            .iter()
            .map(|b| format!("  {}:{}: {}: {}", b.page.display(), b.line, b.directive, b.problem))
            .collect();
        bail!("{} include directive(s) cannot be resolved:\n{}", broken.len(), list.join("\n"));
    }

    let mut book = MDBook::load_with_config(root, config).context("loading the book")?;
    book.with_preprocessor(ListingSources);
    book.with_preprocessor(CheckedKatex);
    book.build().map_err(|err| anyhow::anyhow!("{err:#}"))?;
    Ok(dest.to_path_buf())
}

/// Returns the default site folder, `target/book` under the workspace root.
pub fn default_site_dir(root: &Path) -> PathBuf {
    root.join("target").join("book")
}
