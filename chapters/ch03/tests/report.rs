//! Pins every number `cargo run -p ch03` prints.

#[test]
fn report_matches_snapshot() {
    insta::assert_snapshot!("report", ch03::report().unwrap());
}

#[test]
fn committed_output_matches_report() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../book/output/ch03.txt");
    let committed = std::fs::read_to_string(path).expect("book/output/ch03.txt is missing; run `cargo xtask generate`");
    assert!(committed == ch03::report().unwrap(), "book/output/ch03.txt is stale; run `cargo xtask generate`");
}
