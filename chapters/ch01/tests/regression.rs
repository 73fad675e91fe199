//! The least-squares fit: the normal equations against the closed form of
//! simple regression, and gradient descent against the normal equations.

use ch01::regression::{self, INITIAL_THETA, ITERATIONS, LEARNING_RATE, X, Y};
use ch01::{linear_mse_gradient, Error};
use numfmt::num;

#[test]
fn normal_equations_match_closed_form() {
    // Simple regression: w = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², b = ȳ − w·x̄.
    let n = X.len() as f64;
    let x_mean = X.iter().sum::<f64>() / n;
    let y_mean = Y.iter().sum::<f64>() / n;
    let sxy: f64 = X.iter().zip(&Y).map(|(x, y)| (x - x_mean) * (y - y_mean)).sum();
    let sxx: f64 = X.iter().map(|x| (x - x_mean).powi(2)).sum();
    let w = sxy / sxx;
    let b = y_mean - w * x_mean;

    let theta = regression::normal_equations(&X, &Y).unwrap().theta;

    assert!((theta[0] - w).abs() < 1e-12, "w: {} vs {w}", theta[0]);
    assert!((theta[1] - b).abs() < 1e-12, "b: {} vs {b}", theta[1]);
}

#[test]
fn gradient_vanishes_at_least_squares() {
    let theta = regression::normal_equations(&X, &Y).unwrap().theta;

    let [dl_dw, dl_db] = linear_mse_gradient(theta, &X, &Y).unwrap();

    assert!(dl_dw.abs() < 1e-12, "∂L/∂w = {dl_dw:e}");
    assert!(dl_db.abs() < 1e-12, "∂L/∂b = {dl_db:e}");
}

#[test]
fn gradient_descent_agrees_at_printed_precision() {
    let exact = regression::normal_equations(&X, &Y).unwrap().theta;

    let fitted = regression::gradient_descent(&X, &Y, INITIAL_THETA, LEARNING_RATE, ITERATIONS).unwrap().theta();

    assert_eq!(num(fitted[0]), num(exact[0]));
    assert_eq!(num(fitted[1]), num(exact[1]));
    assert!((fitted[0] - exact[0]).abs() < 1e-8, "w gap {:e}", fitted[0] - exact[0]);
    assert!((fitted[1] - exact[1]).abs() < 1e-8, "b gap {:e}", fitted[1] - exact[1]);
}

#[test]
fn gradient_descent_loss_never_increases() {
    let run = regression::gradient_descent(&X, &Y, INITIAL_THETA, LEARNING_RATE, ITERATIONS).unwrap();

    assert_eq!(run.losses.len(), ITERATIONS + 1);
    // Near the minimum the loss only changes in its last bits, so allow a
    // rise of a few units in the last place of a loss of about 0.02.
    for (k, pair) in run.losses.windows(2).enumerate() {
        assert!(pair[1] <= pair[0] + 1e-15, "loss rose at step {}: {} → {}", k + 1, pair[0], pair[1]);
    }
}

#[test]
fn learning_rate_below_stability_bound() {
    assert!(LEARNING_RATE < regression::stability_bound(&X).unwrap());
}

#[test]
fn normal_equations_reject_length_mismatch() {
    let err = regression::normal_equations(&X, &Y[..4]).unwrap_err();

    assert!(matches!(err, Error::LengthMismatch { left: 5, right: 4, .. }), "{err}");
}
