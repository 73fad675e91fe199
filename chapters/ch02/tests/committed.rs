//! The committed copies of the chapter's output and figures under `book/`
//! must match what the crate produces now.

use std::path::{Path, PathBuf};

fn book_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book")
}

fn fresh_figures(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ch02-figures-{name}"));
    ch02::figures::write_figures(&dir).unwrap()
}

#[test]
fn figures_are_deterministic() {
    for (first, second) in fresh_figures("first").iter().zip(fresh_figures("second")) {
        assert_eq!(
            std::fs::read(first).unwrap(),
            std::fs::read(&second).unwrap(),
            "{} differs between runs",
            first.display()
        );
    }
}

#[test]
fn figures_match_committed_copies() {
    for path in fresh_figures("committed") {
        let name = path.file_name().unwrap();
        let committed = book_dir().join("figures").join(name);
        let expected =
            std::fs::read(&committed).unwrap_or_else(|err| panic!("cannot read {}: {err}", committed.display()));
        assert!(
            std::fs::read(&path).unwrap() == expected,
            "{} differs from the crate's output; run `cargo xtask generate` to regenerate it",
            committed.display()
        );
    }
}

#[test]
fn output_matches_committed_copy() {
    let committed = book_dir().join("output/ch02.txt");
    let expected =
        std::fs::read_to_string(&committed).unwrap_or_else(|err| panic!("cannot read {}: {err}", committed.display()));
    assert!(
        ch02::report().unwrap() == expected,
        "{} differs from `cargo run -p ch02`; run `cargo xtask generate` to regenerate it",
        committed.display()
    );
}
