//! The chapter registry: which page belongs to which crate, and how to get
//! the crate's printed output and figures without spawning a process.

use std::path::{Path, PathBuf};

/// Writes a chapter's figures into a folder and returns their paths.
pub type FigureWriter = fn(&Path) -> anyhow::Result<Vec<PathBuf>>;

/// One chapter: a page in `book/` and the crate that computes its numbers.
pub struct Chapter {
    /// Package name, as in `cargo run -p ch04`.
    pub package: &'static str,
    /// Page file, relative to `book/`.
    pub page: &'static str,
    /// Returns exactly what `cargo run -p <package>` prints. Every number
    /// quoted by the page must appear in this text.
    pub report: fn() -> anyhow::Result<String>,
    /// Writes the chapter's figures into a folder and returns their paths,
    /// or `None` for a chapter without generated figures.
    pub write_figures: Option<FigureWriter>,
}

impl Chapter {
    /// Path of the committed copy of [`Chapter::report`] that the page
    /// includes, relative to the workspace root.
    pub fn output_path(&self) -> PathBuf {
        Path::new("book").join("output").join(format!("{}.txt", self.package))
    }
}

/// Returns every chapter of the book, in reading order.
pub fn chapters() -> Vec<Chapter> {
    vec![
        Chapter {
            package: "ch01",
            page: "ch01-mean-squared-error.md",
            report: ch01::report,
            write_figures: Some(ch01::figures::write_figures),
        },
        Chapter {
            package: "ch02",
            page: "ch02-cross-entropy.md",
            report: ch02::report,
            write_figures: Some(ch02::figures::write_figures),
        },
        Chapter {
            package: "ch03",
            page: "ch03-gradient-descent.md",
            report: ch03::report,
            write_figures: Some(ch03::figures::write_figures),
        },
        Chapter {
            package: "ch04",
            page: "ch04-backpropagation.md",
            report: || Ok(ch04::report()?),
            write_figures: Some(ch04::figures::write_figures),
        },
        Chapter {
            package: "ch05",
            page: "ch05-mnist.md",
            report: ch05::report,
            write_figures: Some(ch05::figures::write_figures),
        },
    ]
}
