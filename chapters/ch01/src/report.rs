//! The chapter's printed output, in the order the page explains it.

use std::fmt::Write;

use numfmt::{matrix, num, vector, write_wrapped};

use crate::regression::{self, INITIAL_THETA, ITERATIONS, LEARNING_RATE, X, Y};
use crate::{
    broadcast_mse_mistake, gaussian_negative_log_likelihood, gaussian_nll_variance_derivative, max_likelihood_variance,
    mse, mse_gradient, mse_of_arrays, predict, residuals, rmse, ArrayView, PREDICTIONS, TARGETS,
};

/// Noise standard deviation σ of the maximum-likelihood example.
const SIGMA: f64 = 1.0;

/// Gradient-descent steps whose parameters and loss the report prints.
const SHOWN_ITERATIONS: [usize; 7] = [0, 1, 2, 10, 30, 100, ITERATIONS];

/// Values of the shape example: the same three numbers as prediction and target.
const SHAPE_EXAMPLE: [f64; 3] = [1.0, 2.0, 3.0];

/// Returns exactly what `cargo run -p ch01` prints: every number the page quotes.
pub fn report() -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(out, "Chapter 1: mean squared error")?;
    worked_example(&mut out)?;
    single_prediction(&mut out)?;
    maximum_likelihood(&mut out)?;
    let theta_hat = normal_equations(&mut out)?;
    gradient_descent(&mut out, theta_hat)?;
    shape_errors(&mut out)?;
    Ok(out)
}

fn worked_example(out: &mut String) -> anyhow::Result<()> {
    let (y_hat, y) = (&PREDICTIONS, &TARGETS);
    let r = residuals(y_hat, y)?;
    let gradient = mse_gradient(y_hat, y)?;

    writeln!(out)?;
    writeln!(out, "Worked example: n = {} targets and predictions", y.len())?;
    writeln!(out, "  y = {}", vector(y))?;
    writeln!(out, "  ŷ = {}", vector(y_hat))?;
    writeln!(out)?;
    writeln!(out, "  {:>2} {:>6} {:>6} {:>13} {:>6} {:>8}", "i", "yᵢ", "ŷᵢ", "rᵢ = yᵢ − ŷᵢ", "rᵢ²", "∂L/∂ŷᵢ")?;
    for i in 0..y.len() {
        writeln!(
            out,
            "  {:>2} {:>6} {:>6} {:>13} {:>6} {:>8}",
            i + 1,
            num(y[i]),
            num(y_hat[i]),
            num(r[i]),
            num(r[i] * r[i]),
            num(gradient[i])
        )?;
    }
    writeln!(out)?;
    writeln!(out, "  Σ rᵢ²                  = {}", num(r.iter().map(|ri| ri * ri).sum()))?;
    writeln!(out, "  L = MSE = (1/n) Σ rᵢ²  = {}", num(mse(y_hat, y)?))?;
    writeln!(out, "  RMSE = √MSE            = {}", num(rmse(y_hat, y)?))?;
    writeln!(out, "  ∂L/∂ŷ = (2/n)(ŷ − y)   = {}", vector(&gradient))?;
    Ok(())
}

/// Prints the loss as a function of ŷ₁ alone, with the other predictions fixed: the
/// parabola of the first figure.
fn single_prediction(out: &mut String) -> anyhow::Result<()> {
    let (y_hat, y) = (&PREDICTIONS, &TARGETS);
    let n = y.len() as f64;

    let mut best = PREDICTIONS;
    best[0] = TARGETS[0];
    let floor = mse(&best, y)?;

    writeln!(out)?;
    writeln!(out, "MSE as a function of ŷ₁ alone (ŷ₂, ŷ₃, ŷ₄ fixed)")?;
    writeln!(out, "  L(ŷ₁) = (ŷ₁ − {})² / {} + {}", num(y[0]), num(n), num(floor))?;
    writeln!(out, "  minimum L = {} at ŷ₁ = y₁ = {}", num(floor), num(y[0]))?;
    writeln!(out, "  slope ∂L/∂ŷ₁ at ŷ₁ = {}: {}", num(y_hat[0]), num(mse_gradient(y_hat, y)?[0]))?;
    Ok(())
}

fn maximum_likelihood(out: &mut String) -> anyhow::Result<()> {
    let (y_hat, y) = (&PREDICTIONS, &TARGETS);
    let n = y.len() as f64;
    let normaliser = n / 2.0 * (2.0 * std::f64::consts::PI * SIGMA * SIGMA).ln();
    let scaled_mse = n / (2.0 * SIGMA * SIGMA) * mse(y_hat, y)?;

    writeln!(out)?;
    writeln!(out, "Gaussian maximum likelihood for the worked example, σ = {}", num(SIGMA))?;
    writeln!(out, "  −ln p(y | ŷ, σ)   = {}", num(gaussian_negative_log_likelihood(y_hat, y, SIGMA)?))?;
    writeln!(out, "  (n/2) ln(2πσ²)    = {}", num(normaliser))?;
    writeln!(out, "  n/(2σ²) · MSE     = {}", num(scaled_mse))?;

    let variance = SIGMA * SIGMA;
    let sigma_hat_squared = max_likelihood_variance(y_hat, y)?;
    writeln!(out, "Maximum likelihood in the noise variance σ², with ŷ fixed")?;
    writeln!(
        out,
        "  ∂(−ln p)/∂σ² = n/(2σ⁴) · (σ² − MSE) at σ² = {}: {}",
        num(variance),
        num(gaussian_nll_variance_derivative(y_hat, y, variance)?)
    )?;
    writeln!(out, "  σ̂² = MSE = {}", num(sigma_hat_squared))?;
    writeln!(
        out,
        "  ∂(−ln p)/∂σ² at σ² = σ̂²: {}",
        num(gaussian_nll_variance_derivative(y_hat, y, sigma_hat_squared)?)
    )?;
    writeln!(
        out,
        "  −ln p(y | ŷ, σ̂) = {}, below its value {} at σ = {}",
        num(gaussian_negative_log_likelihood(y_hat, y, sigma_hat_squared.sqrt())?),
        num(gaussian_negative_log_likelihood(y_hat, y, SIGMA)?),
        num(SIGMA)
    )?;
    Ok(())
}

fn normal_equations(out: &mut String) -> anyhow::Result<[f64; 2]> {
    let fit = regression::normal_equations(&X, &Y)?;
    let y_hat = predict(fit.theta, &X);
    let r = residuals(&y_hat, &Y)?;
    let loss = mse(&y_hat, &Y)?;

    writeln!(out)?;
    writeln!(out, "Linear regression ŷ = w·x + b on n = {} points, θ = [w, b]", X.len())?;
    writeln!(out, "  x = {}", vector(&X))?;
    writeln!(out, "  y = {}", vector(&Y))?;
    writeln!(out)?;
    writeln!(out, "Normal equations XᵀX θ = Xᵀy, solved with nalgebra (Cholesky)")?;
    writeln!(out, "  XᵀX = {}", matrix(fit.xtx.transpose().as_slice(), 2))?;
    writeln!(out, "  Xᵀy = {}", vector(fit.xty.as_slice()))?;
    writeln!(out, "  θ̂ = [ŵ, b̂] = {}", vector(&fit.theta))?;
    writeln!(out)?;
    writeln!(out, "  {:>2} {:>4} {:>6} {:>8} {:>13}", "i", "xᵢ", "yᵢ", "ŷᵢ", "rᵢ = yᵢ − ŷᵢ")?;
    for i in 0..X.len() {
        writeln!(out, "  {:>2} {:>4} {:>6} {:>8} {:>13}", i + 1, num(X[i]), num(Y[i]), num(y_hat[i]), num(r[i]))?;
    }
    writeln!(out)?;
    writeln!(out, "  MSE(θ̂) = {}", num(loss))?;
    writeln!(
        out,
        "  σ̂² = {}  (the maximum-likelihood noise variance at θ̂)",
        num(max_likelihood_variance(&y_hat, &Y)?)
    )?;
    Ok(fit.theta)
}

fn gradient_descent(out: &mut String, theta_hat: [f64; 2]) -> anyhow::Result<()> {
    let design = regression::design_matrix(&X);
    let start_gradient = regression::matrix_gradient(&design, INITIAL_THETA, &Y)?;
    let hessian = regression::hessian(&X)?;
    let [lambda_max, lambda_min] = regression::hessian_eigenvalues(&X)?;
    let run = regression::gradient_descent(&X, &Y, INITIAL_THETA, LEARNING_RATE, ITERATIONS)?;
    let theta = run.theta();

    writeln!(out)?;
    writeln!(out, "Gradient descent θ ← θ − α ∇θL from θ = {}", vector(&INITIAL_THETA))?;
    writeln!(out, "  learning rate α = {}, iterations = {}", num(LEARNING_RATE), ITERATIONS)?;
    writeln!(out, "  ∇θL = (2/n) Xᵀ(Xθ − y) at the start = {}", vector(start_gradient.as_slice()))?;
    writeln!(out, "  Hessian (2/n) XᵀX = {}", matrix(hessian.transpose().as_slice(), 2))?;
    writeln!(out, "  eigenvalues λ_max = {}, λ_min = {}", num(lambda_max), num(lambda_min))?;
    writeln!(out, "  stable for α < 2/λ_max = {}", num(regression::stability_bound(&X)?))?;
    writeln!(out, "  slowest contraction per step 1 − α·λ_min = {}", num(1.0 - LEARNING_RATE * lambda_min))?;
    writeln!(out)?;
    writeln!(out, "  {:>9} {:>10} {:>10} {:>10}", "iteration", "w", "b", "L(θ)")?;
    for k in SHOWN_ITERATIONS {
        let [w, b] = run.thetas[k];
        writeln!(out, "  {:>9} {:>10} {:>10} {:>10}", k, num(w), num(b), num(run.losses[k]))?;
    }
    writeln!(out)?;
    writeln!(out, "  θ by gradient descent   = {}", vector(&theta))?;
    writeln!(out, "  θ̂ by normal equations   = {}", vector(&theta_hat))?;
    let gap = (theta[0] - theta_hat[0]).abs().max((theta[1] - theta_hat[1]).abs());
    writeln!(out, "  max |θ − θ̂|             = {}", num(gap))?;
    Ok(())
}

fn shape_errors(out: &mut String) -> anyhow::Result<()> {
    let values = SHAPE_EXAMPLE;
    let column = ArrayView { shape: &[3, 1], values: &values };
    let target = ArrayView { shape: &[3], values: &values };

    writeln!(out)?;
    writeln!(out, "Shape errors: each call returns an error, never a broadcast result or NaN")?;
    writeln!(out, "  ŷ of shape (3, 1) against y of shape (3,), both holding {}:", vector(&values))?;
    write_wrapped(out, "    ", ERROR_CONTINUATION, &describe(mse_of_arrays(column, target)))?;
    writeln!(out, "    same values with matching shapes (3,): MSE = {}", num(mse_of_arrays(target, target)?))?;
    writeln!(
        out,
        "    broadcasting (3, 1) − (3,) to (3, 3) would give {}",
        num(broadcast_mse_mistake(&values, &values)?)
    )?;

    let four_targets = [1.0, 2.0, 3.0, 4.0];
    writeln!(out, "  {} targets against {} predictions:", four_targets.len(), values.len())?;
    write_wrapped(out, "    ", ERROR_CONTINUATION, &describe(mse(&values, &four_targets)))?;

    writeln!(out, "  empty prediction and target:")?;
    write_wrapped(out, "    ", ERROR_CONTINUATION, &describe(mse(&[], &[])))?;
    Ok(())
}

/// Start of each further line of a wrapped error message, which lines up
/// with the text after "    error: ".
const ERROR_CONTINUATION: &str = "           ";

/// Formats the outcome of a loss call as a line of the report.
fn describe(result: crate::Result<f64>) -> String {
    match result {
        Ok(loss) => format!("MSE = {}", num(loss)),
        Err(err) => format!("error: {err}"),
    }
}
