//! `cargo xtask`: build, check and serve the book, and regenerate the
//! outputs and figures it includes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use xtask::{book, generate, html, numbers, workspace_root};

#[derive(Parser)]
#[command(about = "Build, check and serve the Worked Gradients book")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the chapter outputs and figures, then build the static site
    /// into one folder that any static web server can serve.
    Build {
        /// Folder for the site, relative to the current folder. The build
        /// empties it, so it must be new, empty or an earlier build
        /// [default: target/book under the workspace root]
        #[arg(long)]
        dest: Option<PathBuf>,
    },
    /// Build the site as `build` does and serve it on 127.0.0.1.
    Serve {
        /// TCP port to listen on
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Rewrite book/output/*.txt and book/figures/*.svg from the chapter crates.
    Generate,
    /// Check without writing to book/: outputs and figures current, numbers
    /// in pages match the crates, and the built site has no raw TeX.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    let root = workspace_root();
    match command {
        Command::Build { dest } => {
            let dest = match dest {
                Some(dest) => site_destination(&root, &dest)?,
                None => book::default_site_dir(&root),
            };
            regenerate(&root)?;
            book::build(&root, &dest)?;
            println!("Built the site in {}", dest.display());
        }
        Command::Serve { port } => {
            let dest = book::default_site_dir(&root);
            regenerate(&root)?;
            book::build(&root, &dest)?;
            xtask::serve::serve(&dest, &format!("127.0.0.1:{port}"))?;
        }
        Command::Generate => regenerate(&root)?,
        Command::Check => check(&root)?,
    }
    Ok(())
}

/// Resolves `--dest` against the current folder and rejects folders the
/// build must not empty: mdBook 0.5 deletes everything in its output folder
/// before writing the site.
fn site_destination(root: &Path, dest: &Path) -> anyhow::Result<PathBuf> {
    let absolute = std::path::absolute(dest).with_context(|| format!("resolving --dest {}", dest.display()))?;
    let resolved = absolute.canonicalize().unwrap_or_else(|_| absolute.clone());
    let root = root.canonicalize().with_context(|| format!("resolving the workspace root {}", root.display()))?;

    if root.starts_with(&resolved) {
        bail!(
            "--dest {} contains the workspace, and the build empties its folder; pass a new folder such as target/site",
            dest.display()
        );
    }
    if resolved.starts_with(root.join("book")) {
        bail!(
            "--dest {} is inside the book's sources (book/); pass a folder outside it such as target/site",
            dest.display()
        );
    }
    if resolved.is_file() {
        bail!("--dest {} is a file; pass a folder", dest.display());
    }
    if resolved.is_dir() {
        let empty = std::fs::read_dir(&resolved)
            .with_context(|| format!("listing --dest {}; pass a folder you can read", dest.display()))?
            .next()
            .is_none();
        // mdBook writes .nojekyll and index.html into every site it builds.
        let earlier_site = resolved.join(".nojekyll").is_file() && resolved.join("index.html").is_file();
        if !empty && !earlier_site {
            bail!(
                "--dest {} is a folder with other files, and the build would delete them; pass a new or empty folder",
                dest.display()
            );
        }
    }
    Ok(absolute)
}

fn regenerate(root: &std::path::Path) -> anyhow::Result<()> {
    let written = generate::write_all(root)?;
    println!("Generated {} chapter outputs and figures", written.len());
    Ok(())
}

fn check(root: &std::path::Path) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for stale in generate::check_all(root)? {
        problems.push(format!("{}: {}; run `cargo xtask generate`", stale.path.display(), stale.problem));
    }
    for chapter in xtask::chapters() {
        let page = root.join("book").join(chapter.page);
        let markdown = std::fs::read_to_string(&page).with_context(|| format!("reading {}", page.display()))?;
        let output = (chapter.report)()?;
        for unknown in numbers::check_page(&markdown, &output) {
            problems.push(format!(
                "{}:{}: {} is not printed by `cargo run -p {}` (line: {})",
                page.display(),
                unknown.line,
                unknown.token,
                chapter.package,
                unknown.context
            ));
        }
    }
    let site = tempfile::tempdir().context("creating a temporary folder for the book")?;
    book::build(root, site.path())?;
    for problem in html::check_site(site.path())? {
        problems.push(format!("{}: {}", problem.page, problem.problem));
    }
    if !problems.is_empty() {
        bail!("{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
    }
    println!("The book is consistent with the chapter crates.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destination_new_folder_accepted() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("target").join("site");
        assert_eq!(site_destination(root.path(), &dest).unwrap(), dest);
    }

    #[test]
    fn destination_earlier_site_accepted() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("site");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join(".nojekyll"), "").unwrap();
        std::fs::write(dest.join("index.html"), "").unwrap();
        assert!(site_destination(root.path(), &dest).is_ok());
    }

    #[test]
    fn destination_workspace_root_rejected() {
        let root = tempfile::tempdir().unwrap();
        let err = site_destination(root.path(), root.path()).unwrap_err().to_string();
        assert!(err.contains("contains the workspace"), "{err}");
    }

    #[test]
    fn destination_parent_of_root_rejected() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let err = site_destination(&root, outer.path()).unwrap_err().to_string();
        assert!(err.contains("contains the workspace"), "{err}");
    }

    #[test]
    fn destination_inside_sources_rejected() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("book")).unwrap();
        let err = site_destination(root.path(), &root.path().join("book").join("site")).unwrap_err().to_string();
        assert!(err.contains("inside the book's sources"), "{err}");
    }

    #[test]
    fn destination_with_other_files_rejected() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("notes");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("todo.txt"), "keep me").unwrap();
        let err = site_destination(root.path(), &dest).unwrap_err().to_string();
        assert!(err.contains("other files"), "{err}");
    }
}
