//! The figures are deterministic and the committed copies under `book/figures/` are current.

use std::fs;
use std::path::Path;

#[test]
fn figures_identical_across_runs() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch04-figures");
    let first = ch04::figures::write_figures(&base.join("first")).unwrap();
    let second = ch04::figures::write_figures(&base.join("second")).unwrap();

    assert_eq!(first.len(), 2);
    for (a, b) in first.iter().zip(&second) {
        assert!(fs::read(a).unwrap() == fs::read(b).unwrap(), "{} differs between two runs", a.display());
    }
}

#[test]
fn committed_figures_current() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch04-figures").join("current");
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/figures");
    for path in ch04::figures::write_figures(&dir).unwrap() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let committed = fs::read(book.join(&name))
            .unwrap_or_else(|e| panic!("book/figures/{name} is missing ({e}); run `cargo xtask generate`"));
        assert!(committed == fs::read(&path).unwrap(), "book/figures/{name} is stale; run `cargo xtask generate`");
    }
}
