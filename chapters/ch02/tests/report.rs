//! Pins every printed value of the chapter.

#[test]
fn report_snapshot() {
    insta::assert_snapshot!(ch02::report().unwrap());
}

#[test]
fn report_has_no_nan_outside_naive_lines() {
    // NaN and ∞ are printed only where the page shows a naive formula failing.
    let report = ch02::report().unwrap();
    for line in report.lines().filter(|l| l.contains("NaN") || l.contains("inf")) {
        let expected = line.contains("naive")
            || line.contains("without the clamp")
            || line.contains("p = [0.5, NaN]")
            || line.contains("error:");
        assert!(expected, "unexpected NaN or inf in: {line}");
    }
}
