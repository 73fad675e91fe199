//! The settings of the chapter's runs, shared by the report and the figures so
//! that both show the same numbers.

use crate::bowl::Bowl;
use crate::least_squares::{noisy_line, LineData, ILL_CONDITIONED_INPUTS, NOISE_AMPLITUDE, ROUND_INPUTS};
use crate::optimizers::{Adam, AdamConfig, GradientDescent, Momentum, Optimizer};
use crate::rng::{NOISE_SEED, SAMPLING_SEED};
use crate::runs::{run_on_bowl, run_sgd, Run};
use crate::Result;

/// The start away from the minimum used by every run: θ₀ = [3, 5].
pub const START: [f64; 2] = [3.0, 5.0];

/// The learning rate of the step-by-step example on the round bowl.
pub const WORKED_ALPHA: f64 = 0.1;

/// Learning rates whose contraction factors 1 − 2α the page tabulates, one or
/// more per regime.
pub const REGIME_ALPHAS: [f64; 6] = [0.1, 0.3, 0.5, 0.8, 1.0, 1.05];

/// Learning rates of the loss-versus-step figure: every regime except α = 0.5,
/// whose loss is exactly 0 after one step and so has no place on a log scale.
pub const FIGURE_ALPHAS: [f64; 5] = [0.1, 0.3, 0.8, 1.0, 1.05];

/// Gradient-descent learning rates compared on both bowls: 0.1 is the edge of
/// stability on the ill-conditioned bowl (2/λ_max = 2/20), 0.09 lies just inside.
pub const DESCENT_ALPHAS: [f64; 2] = [0.1, 0.09];

/// Momentum's learning rate α and coefficient μ.
pub const MOMENTUM: (f64, f64) = (0.09, 0.5);

/// Adam's learning rate; β₁, β₂ and ε keep their defaults.
pub const ADAM_ALPHA: f64 = 0.1;

/// SGD learning rates. Both are below the per-example stability limits of
/// the two data sets (see [`sgd_stability_limit`]).
pub const SGD_ALPHAS: [f64; 2] = [0.02, 0.01];

/// The number of final steps whose mean distance describes where SGD settles.
pub const SETTLING_WINDOW: usize = 1000;

/// Creates the optimizers compared on both bowls, each with a label.
pub fn bowl_optimizers() -> Result<Vec<(String, Box<dyn Optimizer>)>> {
    let mut optimizers: Vec<(String, Box<dyn Optimizer>)> = Vec::new();
    for alpha in DESCENT_ALPHAS {
        let label = format!("gradient descent, α = {}", numfmt::num(alpha));
        optimizers.push((label, Box::new(GradientDescent::new(alpha)?)));
    }

    let (alpha, mu) = MOMENTUM;
    let label = format!("momentum, α = {}, μ = {}", numfmt::num(alpha), numfmt::num(mu));
    optimizers.push((label, Box::new(Momentum::new(alpha, mu)?)));

    let label = format!("Adam, α = {}", numfmt::num(ADAM_ALPHA));
    optimizers.push((label, Box::new(Adam::new(AdamConfig::with_learning_rate(ADAM_ALPHA))?)));
    Ok(optimizers)
}

/// Runs each of [`bowl_optimizers`] on `bowl` from [`START`] for `steps` steps.
pub fn bowl_runs(bowl: &Bowl, steps: usize) -> Result<Vec<(String, Run)>> {
    bowl_optimizers()?
        .into_iter()
        .map(|(label, mut optimizer)| Ok((label, run_on_bowl(bowl, optimizer.as_mut(), START, steps)?)))
        .collect()
}

/// Builds the line-fit data whose full-batch loss is the round bowl
/// (`ill_conditioned = false`) or the ill-conditioned bowl (`true`) plus a
/// constant, with seeded noise or with none.
pub fn line_data(ill_conditioned: bool, noisy: bool) -> Result<LineData> {
    let x: &[f64] = if ill_conditioned { &ILL_CONDITIONED_INPUTS } else { &ROUND_INPUTS };
    let amplitude = if noisy { NOISE_AMPLITUDE } else { 0.0 };
    noisy_line(x, [1.0, 2.0], amplitude, NOISE_SEED)
}

/// Runs SGD on `data` with learning rate α from [`START`].
pub fn sgd_run(data: &LineData, alpha: f64, steps: usize) -> Result<Run> {
    run_sgd(data, alpha, START, steps, SAMPLING_SEED)
}

/// Returns the learning rate below which repeated steps on any single example
/// stay stable. The Hessian of ℓᵢ is 2[1, xᵢ][1, xᵢ]ᵀ, whose only non-zero
/// eigenvalue is 2(1 + xᵢ²), so α must stay below 2 / max 2(1 + xᵢ²).
///
/// # Errors
/// [`crate::Error::TooFewPoints`] when the data set is empty.
pub fn sgd_stability_limit(data: &LineData) -> Result<f64> {
    if data.is_empty() {
        return Err(crate::Error::TooFewPoints(0));
    }
    let max_curvature = data.x.iter().map(|x| 2.0 * (1.0 + x * x)).fold(0.0, f64::max);
    Ok(2.0 / max_curvature)
}
