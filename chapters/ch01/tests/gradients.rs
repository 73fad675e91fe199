//! Every gradient the chapter derives, checked twice: by central finite
//! differences in f64 and by Candle's reverse-mode autograd in f64.

use candle_core::{Device, Tensor};
use ch01::regression::{self, INITIAL_THETA, X, Y};
use ch01::{
    gaussian_negative_log_likelihood, gaussian_nll_variance_derivative, linear_mse, linear_mse_gradient,
    max_likelihood_variance, mse, mse_gradient, predict, PREDICTIONS, TARGETS,
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

/// Builds the Gaussian negative log-likelihood Σᵢ [½ ln(2πσ²) + (yᵢ − ŷᵢ)²/(2σ²)] from
/// Candle operations, term by term from the density, with ŷ and σ² as tensors.
fn candle_gaussian_nll(y_hat: &Tensor, y: &[f64], variance: &Tensor) -> candle_core::Result<Tensor> {
    let target = Tensor::from_slice(y, y.len(), &Device::Cpu)?;
    let squared_residuals = target.sub(y_hat)?.sqr()?;
    let log_normaliser = variance.affine(2.0 * std::f64::consts::PI, 0.0)?.log()?.affine(0.5, 0.0)?;
    squared_residuals.broadcast_div(&variance.affine(2.0, 0.0)?)?.broadcast_add(&log_normaliser)?.sum_all()
}

/// Computes ∂(−ln p)/∂ŷ of the Gaussian negative log-likelihood with Candle's autograd.
fn candle_nll_prediction_gradient(y_hat: &[f64], y: &[f64], sigma: f64) -> Vec<f64> {
    let variance = Tensor::new(&[sigma * sigma], &Device::Cpu).unwrap();
    let grads =
        candle_gradients(&[(&[y_hat.len()], y_hat)], |vars| candle_gaussian_nll(vars[0].as_tensor(), y, &variance))
            .unwrap();
    grads.into_iter().next().unwrap()
}

/// Computes ∂(−ln p)/∂σ² of the Gaussian negative log-likelihood with Candle's autograd.
fn candle_nll_variance_derivative(y_hat: &[f64], y: &[f64], variance: f64) -> f64 {
    let prediction = Tensor::from_slice(y_hat, y_hat.len(), &Device::Cpu).unwrap();
    let grads =
        candle_gradients(&[(&[1], &[variance])], |vars| candle_gaussian_nll(&prediction, y, vars[0].as_tensor()))
            .unwrap();
    grads[0][0]
}

/// Computes −ln p as a function of σ² alone, for finite differences in σ².
fn nll_of_variance(y_hat: &[f64], y: &[f64], variance: f64) -> f64 {
    gaussian_negative_log_likelihood(y_hat, y, variance.sqrt()).unwrap()
}

/// Returns the predictions and targets of the two examples whose noise variance the
/// page estimates: the worked example and the least-squares line.
fn variance_examples() -> [(Vec<f64>, Vec<f64>); 2] {
    let fit = regression::normal_equations(&X, &Y).unwrap().theta;
    [(PREDICTIONS.to_vec(), TARGETS.to_vec()), (predict(fit, &X), Y.to_vec())]
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
        let analytic = regression::matrix_gradient(&design, theta, &Y).unwrap();
        let numeric = central_difference(|t| linear_mse([t[0], t[1]], &X, &Y).unwrap(), &theta, DEFAULT_STEP);

        let error = max_relative_error(analytic.as_slice(), &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn matrix_gradient_matches_candle_autograd() {
    let design = regression::design_matrix(&X);
    for theta in THETAS {
        let analytic = regression::matrix_gradient(&design, theta, &Y).unwrap();
        let autograd = candle_linear_gradient(theta, &X, &Y);

        let error = max_relative_error(analytic.as_slice(), &autograd);
        assert!(error < AUTOGRAD_TOLERANCE, "θ = {theta:?}: relative error {error:e}");
    }
}

#[test]
fn hessian_matches_finite_differences() {
    // The Hessian is the Jacobian of the gradient, so differentiate each
    // gradient component numerically and compare row by row.
    let hessian = regression::hessian(&X).unwrap();
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

#[test]
fn gaussian_nll_gradient_matches_candle_autograd() {
    for sigma in [0.5, 1.0, 2.0] {
        let scale = TARGETS.len() as f64 / (2.0 * sigma * sigma);
        let expected: Vec<f64> = mse_gradient(&PREDICTIONS, &TARGETS).unwrap().iter().map(|g| scale * g).collect();
        let autograd = candle_nll_prediction_gradient(&PREDICTIONS, &TARGETS, sigma);

        let error = max_relative_error(&expected, &autograd);
        assert!(error < AUTOGRAD_TOLERANCE, "σ = {sigma}: relative error {error:e}");
    }
}

#[test]
fn variance_derivative_matches_finite_differences() {
    for (y_hat, y) in variance_examples() {
        for variance in [0.25, 1.0, 4.0] {
            let analytic = gaussian_nll_variance_derivative(&y_hat, &y, variance).unwrap();
            let numeric = central_difference(|v| nll_of_variance(&y_hat, &y, v[0]), &[variance], DEFAULT_STEP);

            let error = max_relative_error(&[analytic], &numeric);
            assert!(error < FINITE_DIFFERENCE_TOLERANCE, "σ² = {variance}: relative error {error:e}");
        }
    }
}

#[test]
fn variance_derivative_matches_candle_autograd() {
    for (y_hat, y) in variance_examples() {
        for variance in [0.25, 1.0, 4.0] {
            let analytic = gaussian_nll_variance_derivative(&y_hat, &y, variance).unwrap();
            let autograd = candle_nll_variance_derivative(&y_hat, &y, variance);

            let error = max_relative_error(&[analytic], &[autograd]);
            assert!(error < AUTOGRAD_TOLERANCE, "σ² = {variance}: relative error {error:e}");
        }
    }
}

#[test]
fn max_likelihood_variance_is_stationary_by_finite_differences() {
    // The likelihood in σ² is maximal where ∂(−ln p)/∂σ² = 0. The difference
    // quotient of an NLL near 4 with step 1e-6 carries a rounding error of
    // about 1e-9, so "zero" here means below 1e-7.
    for (y_hat, y) in variance_examples() {
        let sigma_hat_squared = max_likelihood_variance(&y_hat, &y).unwrap();
        let numeric = central_difference(|v| nll_of_variance(&y_hat, &y, v[0]), &[sigma_hat_squared], DEFAULT_STEP);

        assert!(numeric[0].abs() < 1e-7, "σ̂² = {sigma_hat_squared}: ∂(−ln p)/∂σ² ≈ {:e}", numeric[0]);
    }
}

#[test]
fn max_likelihood_variance_is_stationary_by_candle_autograd() {
    for (y_hat, y) in variance_examples() {
        let sigma_hat_squared = max_likelihood_variance(&y_hat, &y).unwrap();
        let autograd = candle_nll_variance_derivative(&y_hat, &y, sigma_hat_squared);

        assert!(autograd.abs() < 1e-12, "σ̂² = {sigma_hat_squared}: ∂(−ln p)/∂σ² = {autograd:e}");
    }
}

#[test]
fn max_likelihood_variance_maximises_likelihood() {
    // A stationary point could also be a minimum of the likelihood. The NLL
    // on either side shows that it is the maximum.
    for (y_hat, y) in variance_examples() {
        let sigma_hat_squared = max_likelihood_variance(&y_hat, &y).unwrap();
        let at_maximum = nll_of_variance(&y_hat, &y, sigma_hat_squared);
        for factor in [0.5, 0.99, 1.01, 2.0] {
            let elsewhere = nll_of_variance(&y_hat, &y, factor * sigma_hat_squared);
            assert!(elsewhere > at_maximum, "σ² = {factor}·σ̂²: −ln p = {elsewhere} ≤ {at_maximum}");
        }
    }
}
