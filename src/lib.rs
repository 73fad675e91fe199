//! The root package of Worked Gradients. It holds the whole-book tests in
//! `tests/`, which build the book with the `xtask` library and compare the
//! pages with the chapter crates.

pub use xtask::{chapters, Chapter};
