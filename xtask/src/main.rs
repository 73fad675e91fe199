//! `cargo xtask`: build, check and serve the book, and regenerate the
//! outputs and figures it includes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
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
    /// Regenerate the chapter outputs and figures, then build the static site.
    Build {
        /// Folder for the site [default: target/book]
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
            let dest = dest.unwrap_or_else(|| book::default_site_dir(&root));
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
        let markdown = std::fs::read_to_string(&page)?;
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
    let site = tempfile::tempdir()?;
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
