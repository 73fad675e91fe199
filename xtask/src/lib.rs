//! Builds, checks and serves the book.
//!
//! `cargo xtask` (see `main.rs`) is the command-line front end, and the
//! whole-book tests in the root package's `tests/` call the same functions,
//! so the book the tests check is the book readers get.

pub mod book;
pub mod chapters;
pub mod generate;
pub mod html;
pub mod includes;
pub mod katex;
pub mod listings;
pub mod numbers;
pub mod serve;

pub use chapters::{chapters, Chapter};

use std::path::PathBuf;

/// Returns the workspace root: the folder holding `book.toml`.
pub fn workspace_root() -> PathBuf {
    // CARGO_MANIFEST_DIR is xtask/, one level below the root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent folder").to_path_buf()
}
