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
fn reference_runs_have_seeds_one_two() {
    let seeds: Vec<u64> = OTHER_SEED_RUNS.iter().map(|name| reference::read_run(name).unwrap().seed).collect();
    assert_eq!(seeds, [1, 2]);
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
