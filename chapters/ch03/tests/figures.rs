//! The figures are deterministic and the committed copies are current.

use std::fs;
use std::path::Path;

#[test]
fn figures_are_deterministic() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch03-figures");
    let first = ch03::figures::write_figures(&base.join("first")).unwrap();
    let second = ch03::figures::write_figures(&base.join("second")).unwrap();
    assert_eq!(first.len(), 2);
    for (a, b) in first.iter().zip(&second) {
        assert!(fs::read(a).unwrap() == fs::read(b).unwrap(), "{} differs between two runs", a.display());
    }
}

#[test]
fn committed_figures_are_current() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch03-figures").join("current");
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/figures");
    for path in ch03::figures::write_figures(&dir).unwrap() {
        let name = path.file_name().unwrap();
        let committed = fs::read(book.join(name)).unwrap_or_else(|e| {
            panic!("book/figures/{} is missing ({e}); run `cargo xtask generate`", name.to_string_lossy())
        });
        assert!(
            committed == fs::read(&path).unwrap(),
            "book/figures/{} is stale; run `cargo xtask generate`",
            name.to_string_lossy()
        );
    }
}
