//! The SVG figures: their names, their labels, and byte-for-byte determinism.

use std::path::{Path, PathBuf};

fn write_into(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder);
    ch01::figures::write_figures(&dir).unwrap()
}

fn file_names(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn figures_named_by_chapter() {
    let paths = write_into("ch01-figures-names");

    assert_eq!(file_names(&paths), ["ch01-mse-single-prediction.svg", "ch01-fit-residuals.svg"]);
}

#[test]
fn figures_identical_across_runs() {
    let first = write_into("ch01-figures-first");
    let second = write_into("ch01-figures-second");

    for (a, b) in first.iter().zip(&second) {
        let (a_bytes, b_bytes) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
        assert!(a_bytes == b_bytes, "{} and {} differ", a.display(), b.display());
    }
}

#[test]
fn figures_contain_text_labels() {
    let paths = write_into("ch01-figures-labels");
    let single = std::fs::read_to_string(&paths[0]).unwrap();
    let fit = std::fs::read_to_string(&paths[1]).unwrap();

    assert!(single.contains("prediction ŷ₁ (target y₁ = 3)"), "axis description missing");
    assert!(single.contains("minimum: ŷ₁ = 3, L = 0.3125"), "minimum legend missing");
    assert!(fit.contains("ŷ = 1.9·x + 1.1"), "line legend missing");
    assert!(fit.contains("residual rᵢ = yᵢ − ŷᵢ"), "residual legend missing");
}

#[test]
fn write_figures_reports_unwritable_folder() {
    // A regular file where the folder should be makes create_dir_all fail.
    let blocker = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ch01-figures-blocker");
    std::fs::write(&blocker, b"not a folder").unwrap();

    let err = ch01::figures::write_figures(&blocker).unwrap_err();

    assert!(err.to_string().contains("failed to create the figure folder"), "{err}");
}
