//! Least squares for the line ŷ = w·x + b, fitted two ways: by solving the
//! normal equations with nalgebra, and by plain gradient descent on the MSE.
//!
//! The parameters are θ = [w, b], and the design matrix X has the rows
//! [xᵢ, 1], so the predictions are ŷ = Xθ.

use nalgebra::{DMatrix, DVector};

use crate::{
    check_learning_rate, check_lengths, check_not_empty, gradient_descent_step, linear_mse, linear_mse_gradient, Error,
    Result,
};

/// Inputs x of the chapter's regression example.
pub const X: [f64; 5] = [0.0, 1.0, 2.0, 3.0, 4.0];

/// Targets y of the chapter's regression example, one per input in [`X`].
pub const Y: [f64; 5] = [1.0, 3.5, 4.0, 7.5, 8.5];

/// Starting parameters θ = [w, b] of the gradient-descent fit.
pub const INITIAL_THETA: [f64; 2] = [0.0, 0.0];

/// Learning rate α of the gradient-descent fit. It lies below the stability
/// bound 2/λ_max of this data, which [`stability_bound`] computes.
pub const LEARNING_RATE: f64 = 0.1;

/// Number of gradient-descent steps. With α = 0.1 the slowest error component
/// shrinks by the factor 1 − α·λ_min ≈ 0.94 per step, so 300 steps bring θ to
/// within 1e-8 of the normal-equation solution (the report prints the gap).
pub const ITERATIONS: usize = 300;

// ANCHOR: design_matrix
/// Builds the design matrix X of shape (n, 2) with rows [xᵢ, 1], so that ŷ = Xθ.
pub fn design_matrix(x: &[f64]) -> DMatrix<f64> {
    DMatrix::from_fn(x.len(), 2, |row, column| if column == 0 { x[row] } else { 1.0 })
}
// ANCHOR_END: design_matrix

/// The normal equations XᵀX θ = Xᵀy and their solution θ̂.
#[derive(Clone, Debug)]
pub struct NormalEquations {
    /// XᵀX, shape (2, 2).
    pub xtx: DMatrix<f64>,
    /// Xᵀy, shape (2,).
    pub xty: DVector<f64>,
    /// The least-squares parameters θ̂ = [w, b].
    pub theta: [f64; 2],
}

// ANCHOR: normal_equations
/// Solves the normal equations XᵀX θ = Xᵀy for the least-squares line.
///
/// XᵀX is symmetric positive definite whenever x contains two distinct values,
/// so a Cholesky factorisation solves the system. When all x are equal, the
/// function returns [`Error::SingularDesign`].
pub fn normal_equations(x: &[f64], y: &[f64]) -> Result<NormalEquations> {
    check_inputs(x, y)?;
    let design = design_matrix(x);
    let targets = DVector::from_column_slice(y);

    let xtx = design.transpose() * &design;
    let xty = design.transpose() * targets;

    let singular = || Error::SingularDesign { count: x.len(), value: x[0] };
    let cholesky = xtx.clone().cholesky().ok_or_else(singular)?;
    let solution = cholesky.solve(&xty);

    Ok(NormalEquations { xtx, xty, theta: [solution[0], solution[1]] })
}
// ANCHOR_END: normal_equations

fn check_inputs(x: &[f64], y: &[f64]) -> Result<()> {
    check_lengths("input x", x, "target y", y)?;
    if y.is_empty() {
        return Err(Error::Empty { name: "target y" });
    }
    if x.iter().all(|&xi| xi == x[0]) {
        return Err(Error::SingularDesign { count: x.len(), value: x[0] });
    }
    Ok(())
}

// ANCHOR: matrix_gradient
/// Computes the gradient of the MSE in matrix form, ∇θ L = (2/n) Xᵀ(Xθ − y).
/// Shapes: X (n, 2), θ (2,), y (n,) with n ≥ 1 → (2,).
pub fn matrix_gradient(design: &DMatrix<f64>, theta: [f64; 2], y: &[f64]) -> Result<DVector<f64>> {
    check_design(design, theta.len(), y)?;
    let n = y.len() as f64;
    let errors = design * DVector::from_column_slice(&theta) - DVector::from_column_slice(y);
    Ok(design.transpose() * errors * (2.0 / n))
}
// ANCHOR_END: matrix_gradient

/// Checks that X has one row per target and one column per parameter, and that
/// there is at least one target.
fn check_design(design: &DMatrix<f64>, parameters: usize, y: &[f64]) -> Result<()> {
    let (rows, columns) = design.shape();
    if rows != y.len() || columns != parameters {
        return Err(Error::DesignShape { rows, columns, parameters, targets: y.len() });
    }
    check_not_empty("target y", y)
}

/// Computes the Hessian of the MSE of a line, ∇²θ L = (2/n) XᵀX, shape (2, 2). It does
/// not depend on θ or y, because the loss is quadratic in θ. Fails when x is empty.
pub fn hessian(x: &[f64]) -> Result<DMatrix<f64>> {
    check_not_empty("input x", x)?;
    let design = design_matrix(x);
    Ok(design.transpose() * &design * (2.0 / x.len() as f64))
}

/// Returns the eigenvalues of [`hessian`], largest first.
pub fn hessian_eigenvalues(x: &[f64]) -> Result<[f64; 2]> {
    let eigenvalues = hessian(x)?.symmetric_eigen().eigenvalues;
    let (a, b) = (eigenvalues[0], eigenvalues[1]);
    Ok([a.max(b), a.min(b)])
}

/// Returns 2/λ_max: gradient descent on this quadratic loss converges from
/// every start exactly when 0 < α < 2/λ_max.
pub fn stability_bound(x: &[f64]) -> Result<f64> {
    Ok(2.0 / hessian_eigenvalues(x)?[0])
}

/// The parameters after each step of a gradient-descent run.
#[derive(Clone, Debug)]
pub struct GradientDescent {
    /// θ after k steps at index k, from the start (index 0) to the end.
    pub thetas: Vec<[f64; 2]>,
    /// L(θ) after k steps at index k.
    pub losses: Vec<f64>,
}

impl GradientDescent {
    /// Returns the parameters after the last step.
    pub fn theta(&self) -> [f64; 2] {
        *self.thetas.last().expect("a run records at least its start")
    }
}

// ANCHOR: gradient_descent
/// Fits the line by gradient descent on the MSE: θ ← θ − α ∇θ L(θ), repeated
/// `iterations` times from `theta0` with a fixed learning rate α.
pub fn gradient_descent(
    x: &[f64],
    y: &[f64],
    theta0: [f64; 2],
    learning_rate: f64,
    iterations: usize,
) -> Result<GradientDescent> {
    check_inputs(x, y)?;
    check_learning_rate(learning_rate)?;

    let mut theta = theta0;
    let mut run = GradientDescent { thetas: vec![theta], losses: vec![linear_mse(theta, x, y)?] };

    for iteration in 1..=iterations {
        let next = gradient_descent_step(&theta, &linear_mse_gradient(theta, x, y)?, learning_rate)?;
        theta = [next[0], next[1]];

        let loss = linear_mse(theta, x, y)?;
        if !loss.is_finite() {
            return Err(Error::Diverged { iteration, loss, learning_rate });
        }
        run.thetas.push(theta);
        run.losses.push(loss);
    }
    Ok(run)
}
// ANCHOR_END: gradient_descent

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_equations_reject_equal_x() {
        let err = normal_equations(&[2.0, 2.0, 2.0], &[1.0, 2.0, 3.0]).unwrap_err();
        assert_eq!(err, Error::SingularDesign { count: 3, value: 2.0 });
    }

    #[test]
    fn gradient_descent_rejects_negative_rate() {
        let err = gradient_descent(&X, &Y, INITIAL_THETA, -0.1, 10).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "learning rate α", .. }), "{err}");
    }

    #[test]
    fn gradient_descent_reports_divergence() {
        // α = 10 is far above 2/λ_max ≈ 0.149, so the loss overflows to infinity.
        let err = gradient_descent(&X, &Y, INITIAL_THETA, 10.0, 1000).unwrap_err();
        assert!(matches!(err, Error::Diverged { .. }), "{err}");
    }
}
