//! The report of the committed reference runs, and the figures drawn from it.

use ch05::reference::{self, OTHER_SEED_RUNS};
use ch05::summary::CANDLE_VERSION;

#[test]
fn report_text_pinned() {
    insta::assert_snapshot!(ch05::report().unwrap());
}

#[test]
fn reference_run_uses_book_recipe() {
    let run = reference::reference_run().unwrap();
    assert_eq!((run.seed, run.epochs, run.batch_size, run.hidden), (0, 5, 32, 128));
    assert_eq!((run.learning_rate, run.beta1, run.beta2, run.epsilon), (1e-3, 0.9, 0.999, 1e-7));
    assert_eq!(run.device, "cpu");
    assert_eq!((run.train_examples, run.test_examples), (60000, 10000));
}

#[test]
fn seed_runs_cover_seeds_one_to_nine() {
    let seeds: Vec<u64> = OTHER_SEED_RUNS.iter().map(|name| reference::read_run(name).unwrap().seed).collect();
    assert_eq!(seeds, (1..=9).collect::<Vec<u64>>());
}

#[test]
fn seed_runs_use_book_recipe() {
    let reference = reference::reference_run().unwrap();
    for name in OTHER_SEED_RUNS {
        let run = reference::read_run(name).unwrap();
        assert_eq!(
            (run.epochs, run.batch_size, run.hidden),
            (reference.epochs, reference.batch_size, reference.hidden)
        );
        assert_eq!(
            (run.learning_rate, run.beta2, run.epsilon),
            (reference.learning_rate, reference.beta2, reference.epsilon)
        );
        assert_eq!(run.data_files, reference.data_files, "{name} trained on other data");
    }
}

#[test]
fn confusion_matrix_sums_to_test_set() {
    let run = reference::reference_run().unwrap();
    let total: u32 = run.confusion.iter().flatten().sum();
    assert_eq!(total as usize, run.test_examples);
    assert_eq!(run.test_correct() as f64 / run.test_examples as f64, run.test_accuracy);
}

#[test]
fn figures_are_deterministic() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let first_paths = ch05::figures::write_figures(first.path()).unwrap();
    let second_paths = ch05::figures::write_figures(second.path()).unwrap();

    assert_eq!(first_paths.len(), 3);
    for (a, b) in first_paths.iter().zip(&second_paths) {
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap(), "{} differs between two runs", a.display());
    }
}

#[test]
fn committed_figures_are_current() {
    let dir = tempfile::tempdir().unwrap();
    for path in ch05::figures::write_figures(dir.path()).unwrap() {
        let name = path.file_name().unwrap();
        let committed = reference::figures_dir().join(name);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&committed).unwrap(),
            "{} is out of date; run `cargo xtask generate`",
            committed.display()
        );
    }
}

#[test]
fn candle_version_matches_lockfile() {
    let lockfile = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let entry = format!("name = \"candle-core\"\nversion = \"{CANDLE_VERSION}\"");
    assert!(lockfile.contains(&entry), "Cargo.lock has no candle-core {CANDLE_VERSION}");
}

/// Names of everything in `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    names
}

#[test]
fn failed_figure_leaves_no_file() {
    // A digit whose pixels are not hex fails in the middle of the grid. A
    // backend that drew straight into the file would leave half a figure.
    let mut run = reference::reference_run().unwrap();
    run.digits[3].pixels = "zz".repeat(784);
    let dir = tempfile::tempdir().unwrap();

    let error = ch05::figures::write_summary_figures(&run, dir.path()).unwrap_err();

    assert!(error.to_string().contains("pixel 0 is not a hex byte"), "{error}");
    assert_eq!(listing(dir.path()), ["ch05-training-curves.svg"]);
}

#[test]
fn summary_replaces_file_atomically() {
    // A hard link to the old file keeps the old bytes only when the new
    // summary goes to a new file that is renamed over the old name.
    let run = reference::reference_run().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.json");
    let link = dir.path().join("previous.json");
    std::fs::write(&path, "{}").unwrap();
    std::fs::hard_link(&path, &link).unwrap();

    run.write(&path).unwrap();

    assert_eq!(std::fs::read_to_string(&link).unwrap(), "{}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(ch05::summary::Summary::from_json("summary.json", &written).unwrap(), run);
    assert_eq!(listing(dir.path()), ["previous.json", "summary.json"]);
}

#[test]
fn figures_replace_files_atomically() {
    let name = "ch05-confusion-matrix.svg";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let link = dir.path().join("previous.svg");
    std::fs::write(&path, "<svg/>").unwrap();
    std::fs::hard_link(&path, &link).unwrap();

    ch05::figures::write_figures(dir.path()).unwrap();

    assert_eq!(std::fs::read_to_string(&link).unwrap(), "<svg/>");
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(reference::figures_dir().join(name)).unwrap());
}
