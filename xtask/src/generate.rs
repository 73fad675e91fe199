//! The generated files the book includes: each chapter's printed output
//! (`book/output/chNN.txt`) and its figures (`book/figures/chNN-*.svg`).
//!
//! They are committed so the book builds without running the chapters, and
//! the whole-book tests regenerate them into a temporary folder and fail
//! when a committed copy differs.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::chapters::chapters;

/// Writes every chapter's output and figures under `root` and returns the
/// paths written.
pub fn write_all(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for chapter in chapters() {
        let path = root.join(chapter.output_path());
        let text = (chapter.report)().with_context(|| format!("computing the output of {}", chapter.package))?;
        write_if_changed(&path, text.as_bytes())?;
        written.push(path);

        if let Some(write_figures) = chapter.write_figures {
            let dir = root.join("book").join("figures");
            let staging = tempfile::tempdir().context("creating a temporary folder for the figures")?;
            for figure in
                write_figures(staging.path()).with_context(|| format!("drawing the figures of {}", chapter.package))?
            {
                let name = figure.file_name().context("figure path has no file name")?;
                let target = dir.join(name);
                write_if_changed(&target, &read(&figure)?)?;
                written.push(target);
            }
        }
    }
    Ok(written)
}

/// One generated file whose committed copy is missing or out of date.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleFile {
    pub path: PathBuf,
    pub problem: String,
}

/// Regenerates every output and figure into a temporary folder and compares
/// each with its committed copy under `root`.
pub fn check_all(root: &Path) -> anyhow::Result<Vec<StaleFile>> {
    let mut stale = Vec::new();
    let mut compare = |committed: PathBuf, fresh: &[u8]| match fs::read(&committed) {
        Ok(bytes) if bytes == fresh => {}
        Ok(_) => stale.push(StaleFile { path: committed, problem: "differs from what the crate generates now".into() }),
        Err(_) => stale.push(StaleFile { path: committed, problem: "missing".into() }),
    };
    for chapter in chapters() {
        let text = (chapter.report)().with_context(|| format!("computing the output of {}", chapter.package))?;
        compare(root.join(chapter.output_path()), text.as_bytes());

        if let Some(write_figures) = chapter.write_figures {
            let staging = tempfile::tempdir().context("creating a temporary folder for the figures")?;
            for figure in
                write_figures(staging.path()).with_context(|| format!("drawing the figures of {}", chapter.package))?
            {
                let name = figure.file_name().context("figure path has no file name")?;
                compare(root.join("book").join("figures").join(name), &read(&figure)?);
            }
        }
    }
    Ok(stale)
}

/// Writes `bytes` to `path` through a temporary file and a rename, and only
/// when the content changes, so an interrupted run never leaves half a file
/// and unchanged files keep their timestamps.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let dir = path.parent().context("output path has no parent folder")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}; check that it is writable", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}; check that it is writable", dir.display()))?;
    std::io::Write::write_all(&mut file, bytes).with_context(|| format!("writing {}", file.path().display()))?;
    file.persist(path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("reading the figure {}", path.display()))
}
