//! The printed output of `cargo run -p ch01`, pinned digit for digit.

#[test]
fn report_matches_snapshot() {
    insta::assert_snapshot!(ch01::report().unwrap());
}
