//! Formats numbers the way the book prints them.
//!
//! Every chapter prints its values with [`num`], and the whole-book tests
//! compare the numbers written in a page with the tokens of that output, so a
//! page quotes a value exactly as the program prints it. [`write_wrapped`]
//! keeps the printed lines narrow enough for the book's code blocks.

mod wrap;

pub use wrap::{write_wrapped, MAX_LINE_CHARS};

/// Significant digits of every printed value.
pub const SIGNIFICANT_DIGITS: usize = 6;

/// Formats `x` with six significant digits and no trailing zeros.
///
/// Magnitudes in [1e-4, 1e6) are written in positional notation (`0.0819251`,
/// `-1.3`, `500.173`), others in scientific notation with a plain exponent
/// (`3.72008e-44`). Zero is `0` whatever its sign, and non-finite values are
/// `NaN`, `inf` and `-inf`.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }

    // Round to the significant digits first, so 999999.7 is treated as 1e6.
    let scientific = format!("{:.*e}", SIGNIFICANT_DIGITS - 1, x);
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` output has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");

    if (-4..6).contains(&exponent) {
        let decimals = (SIGNIFICANT_DIGITS as i32 - 1 - exponent).max(0) as usize;
        trim_zeros(&format!("{x:.decimals$}"))
    } else {
        format!("{}e{exponent}", trim_zeros(mantissa))
    }
}

/// Formats a vector as `[a, b, c]` with [`num`] for each element.
pub fn vector(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|&v| num(v)).collect();
    format!("[{}]", items.join(", "))
}

/// Formats a row-major matrix as `[[a, b], [c, d]]`.
///
/// # Panics
/// Panics when `values.len()` is not a multiple of `columns`, because the
/// caller passed the wrong shape.
pub fn matrix(values: &[f64], columns: usize) -> String {
    assert!(columns > 0, "a matrix needs at least one column");
    assert!(values.len().is_multiple_of(columns), "{} values do not fill rows of {columns}", values.len());
    let rows: Vec<String> = values.chunks(columns).map(vector).collect();
    format!("[{}]", rows.join(", "))
}

/// Formats a fraction in [0, 1] as a percentage with two decimals: `97.83 %`.
pub fn percent(fraction: f64) -> String {
    format!("{:.2} %", fraction * 100.0)
}

fn trim_zeros(text: &str) -> String {
    if !text.contains('.') {
        return text.to_owned();
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_positional_range() {
        assert_eq!(num(1.3), "1.3");
        assert_eq!(num(-0.022033), "-0.022033");
        assert_eq!(num(0.0819251), "0.0819251");
        assert_eq!(num(0.768524783), "0.768525");
        assert_eq!(num(500.1732868), "500.173");
        assert_eq!(num(60000.0), "60000");
        assert_eq!(num(0.0001), "0.0001");
    }

    #[test]
    fn num_scientific_range() {
        assert_eq!(num(3.7200759760208356e-44), "3.72008e-44");
        assert_eq!(num(1e-7), "1e-7");
        assert_eq!(num(999999.7), "1e6");
        assert_eq!(num(-2.5e-5), "-2.5e-5");
    }

    #[test]
    fn num_special_values() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn vector_and_matrix_layout() {
        assert_eq!(vector(&[1.0, 2.0]), "[1, 2]");
        assert_eq!(matrix(&[0.5, 0.3, 0.2, 0.5], 2), "[[0.5, 0.3], [0.2, 0.5]]");
    }

    #[test]
    fn percent_two_decimals() {
        assert_eq!(percent(0.97834), "97.83 %");
    }
}
