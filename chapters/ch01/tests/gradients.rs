//! Every gradient the chapter derives, checked twice: by central finite
//! differences in f64 and by Candle's reverse-mode autograd in f64.

use candle_core::{Device, Tensor};
use ch01::regression::{self, INITIAL_THETA, X, Y};
use ch01::{
    gaussian_negative_log_likelihood, linear_mse, linear_mse_gradient, mse, mse_gradient, PREDICTIONS, TARGETS,
};
use gradcheck::{candle_gradients, central_difference, max_relative_error, DEFAULT_STEP};

/// Largest accepted relative error against central differences.
const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-6;

/// Largest accepted relative error against Candle's autograd.
const AUTOGRAD_TOLERANCE: f64 = 1e-9;

/// Parameters θ = [w, b] at which the linear-model gradient is checked: the
/// start of gradient descent and a point with both components non-zero.
const THETAS: [[f64; 2]; 2] = [INITIAL_THETA, [1.0, 0.5]];

/// ∂L/∂ŷ of the MSE by Candle's autograd at the given predictions.
fn candle_mse_gradient(y_hat: &[f64], y: &[f64]) -> Vec<f64> {
    let target = Tensor::from_slice(y, y.len(), &Device::Cpu).unwrap();
    let grads =
        candle_gradients(&[(&[y_hat.len()], y_hat)], |vars| vars[0].as_tensor().sub(&target)?.sqr()?.mean_all())
            .unwrap();
    grads.into_iter().next().unwrap()
}

/// [∂L/∂w, ∂L/∂b] of L(w, b) = MSE(w·x + b, y) by Candle's autograd.
fn candle_linear_gradient(theta: [f64; 2], x: &[f64], y: &[f64]) -> Vec<f64> {
    let inputs = Tensor::from_slice(x, x.len(), &Device::Cpu).unwrap();
    let target = Tensor::from_slice(y, y.len(), &Device::Cpu).unwrap();
    let grads = candle_gradients(&[(&[1], &theta[..1]), (&[1], &theta[1..])], |vars| {
        let y_hat = inputs.broadcast_mul(vars[0].as_tensor())?.broadcast_add(vars[1].as_tensor())?;
        y_hat.sub(&target)?.sqr()?.mean_all()
    })
    .unwrap();
    grads.concat()
}

#[test]
fn mse_gradient_matches_finite_differences() {
    let analytic = mse_gradient(&PREDICTIONS, &TARGETS).unwrap();
    let numeric = central_difference(|y_hat| mse(y_hat, &TARGETS).unwrap(), &PREDICTIONS, DEFAULT_STEP);

    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FINITE_DIFFERENCE_TOLERANCE, "relative error {error:e}: {analytic:?} vs {numeric:?}");
}

#[test]
fn mse_gradient_matches_candle_autograd() {
    let analytic = mse_gradient(&PREDICTIONS, &TARGETS).unwrap();
    let autograd = candle_mse_gradient(&PREDICTIONS, &TARGETS);

    let error = max_relative_error(&analytic, &autograd);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}: {analytic:?} vs {autograd:?}");
}

#[test]
fn linear_gradient_matches_finite_differences() {
    for theta in THETAS {
        let analytic = linear_mse_gradient(theta, &X, &Y).unwrap();
        let numeric = central_difference(|t| linear_mse([t[0], t[1]], &X, &Y).unwrap(), &theta, DEFAULT_STEP);

        let error = max_relative_error(&analytic, &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn linear_gradient_matches_candle_autograd() {
    for theta in THETAS {
        let analytic = linear_mse_gradient(theta, &X, &Y).unwrap();
        let autograd = candle_linear_gradient(theta, &X, &Y);

        let error = max_relative_error(&analytic, &autograd);
        assert!(error < AUTOGRAD_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn matrix_gradient_matches_finite_differences() {
    let design = regression::design_matrix(&X);
    for theta in THETAS {
        let analytic = regression::matrix_gradient(&design, theta, &Y);
        let numeric = central_difference(|t| linear_mse([t[0], t[1]], &X, &Y).unwrap(), &theta, DEFAULT_STEP);

        let error = max_relative_error(analytic.as_slice(), &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn matrix_gradient_matches_candle_autograd() {
    let design = regression::design_matrix(&X);
    for theta in THETAS {
        let analytic = regression::matrix_gradient(&design, theta, &Y);
        let autograd = candle_linear_gradient(theta, &X, &Y);

        let error = max_relative_error(analytic.as_slice(), &autograd);
        assert!(error < AUTOGRAD_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn hessian_matches_finite_differences() {
    // The Hessian is the Jacobian of the gradient, so differentiate each
    // gradient component numerically and compare row by row.
    let hessian = regression::hessian(&X);
    for row in 0..2 {
        let numeric =
            central_difference(|t| linear_mse_gradient([t[0], t[1]], &X, &Y).unwrap()[row], &[1.0, 0.5], DEFAULT_STEP);
        let analytic = [hessian[(row, 0)], hessian[(row, 1)]];

        let error = max_relative_error(&analytic, &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "row {row}: relative error {error:e}");
    }
}

#[test]
fn gaussian_nll_equals_closed_form() {
    for sigma in [0.5, 1.0, 2.0] {
        let n = TARGETS.len() as f64;
        let closed_form = n / 2.0 * (2.0 * std::f64::consts::PI * sigma * sigma).ln()
            + n / (2.0 * sigma * sigma) * mse(&PREDICTIONS, &TARGETS).unwrap();
        let summed = gaussian_negative_log_likelihood(&PREDICTIONS, &TARGETS, sigma).unwrap();

        assert!((summed - closed_form).abs() < 1e-12, "σ = {sigma}: {summed} vs {closed_form}");
    }
}

#[test]
fn gaussian_nll_gradient_scales_mse_gradient() {
    // ∂(−ln p)/∂ŷ = n/(2σ²) · ∂MSE/∂ŷ: the two losses share their minimisers.
    for sigma in [0.5, 1.0, 2.0] {
        let scale = TARGETS.len() as f64 / (2.0 * sigma * sigma);
        let expected: Vec<f64> = mse_gradient(&PREDICTIONS, &TARGETS).unwrap().iter().map(|g| scale * g).collect();
        let numeric = central_difference(
            |y_hat| gaussian_negative_log_likelihood(y_hat, &TARGETS, sigma).unwrap(),
            &PREDICTIONS,
            DEFAULT_STEP,
        );

        let error = max_relative_error(&expected, &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "σ = {sigma}: relative error {error:e}");
    }
}
