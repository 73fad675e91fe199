//! Running an optimizer for a fixed number of steps and counting how many it
//! needs to reach the minimum.

use crate::bowl::{euclidean_distance, Bowl};
use crate::least_squares::{example_gradient, full_batch_loss, least_squares_fit, LineData};
use crate::optimizers::{GradientDescent, Optimizer};
use crate::rng::{seeded_rng, shuffle};
use crate::{Error, Result};

/// The distance ‖θ_t − θ*‖₂ that counts as having reached the minimum.
pub const TOLERANCE: f64 = 1e-6;

/// The number of steps every convergence run takes.
pub const STEP_BUDGET: usize = 10_000;

/// The iterates of one run: entry t is the state after t steps, so entry 0 is
/// the start.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// θ_t.
    pub thetas: Vec<[f64; 2]>,
    /// L(θ_t), the full-batch loss.
    pub losses: Vec<f64>,
    /// ‖θ_t − θ*‖₂, the Euclidean distance to the minimum.
    pub distances: Vec<f64>,
    /// The number of steps requested. The run is shorter when θ stopped being
    /// finite.
    pub requested_steps: usize,
}

impl Run {
    /// Returns the number of steps taken.
    pub fn steps_taken(&self) -> usize {
        self.thetas.len() - 1
    }

    /// Returns the last iterate θ_T.
    pub fn final_theta(&self) -> [f64; 2] {
        self.thetas[self.thetas.len() - 1]
    }

    /// Returns the last distance ‖θ_T − θ*‖₂.
    pub fn final_distance(&self) -> f64 {
        self.distances[self.distances.len() - 1]
    }

    // ANCHOR: steps_to_tolerance
    /// The number of steps needed to reach the minimum: the smallest t with
    /// ‖θ_s − θ*‖₂ ≤ `tolerance` for every s from t to the end of the run.
    ///
    /// Requiring the run to stay inside the ball, instead of counting the first
    /// visit, keeps an optimizer that overshoots through the ball from being
    /// counted as converged. Returns `None` when the last iterate is outside
    /// the ball or the run stopped early because θ was no longer finite.
    pub fn steps_to_tolerance(&self, tolerance: f64) -> Result<Option<usize>> {
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(Error::InvalidTolerance(tolerance));
        }
        if self.steps_taken() < self.requested_steps || self.final_distance() > tolerance {
            return Ok(None);
        }
        let last_outside = self.distances.iter().rposition(|&d| d > tolerance);
        Ok(Some(last_outside.map_or(0, |t| t + 1)))
    }
    // ANCHOR_END: steps_to_tolerance

    /// Returns the mean of ‖θ_t − θ*‖₂ over the last `count` steps (fewer when
    /// the run is shorter), which measures where a noisy run settles.
    pub fn mean_final_distance(&self, count: usize) -> f64 {
        let tail = &self.distances[self.distances.len().saturating_sub(count)..];
        tail.iter().sum::<f64>() / tail.len() as f64
    }
}

/// Runs `optimizer` on `bowl` from `theta0` for `steps` full-gradient steps.
///
/// # Errors
/// The optimizer's errors, which cannot occur for two-element θ.
pub fn run_on_bowl(bowl: &Bowl, optimizer: &mut dyn Optimizer, theta0: [f64; 2], steps: usize) -> Result<Run> {
    let minimum = bowl.minimum();
    let mut run = Run::start(theta0, bowl.loss(&theta0), euclidean_distance(&theta0, &minimum), steps);

    let mut theta = theta0;
    for _ in 0..steps {
        let next = optimizer.step(&theta, &bowl.gradient(&theta))?;
        theta = [next[0], next[1]];
        if !run.push(theta, bowl.loss(&theta), euclidean_distance(&theta, &minimum)) {
            break;
        }
    }
    Ok(run)
}

// ANCHOR: run_sgd
/// Runs stochastic gradient descent with batch size 1 on the line fit: every
/// epoch visits the n examples once, in an order shuffled by the generator
/// seeded with `seed`, and each step is θ ← θ − α∇ℓᵢ(θ).
///
/// Distances are measured to the least-squares solution θ̂ of `data`, and
/// losses are the full-batch loss L(θ).
///
/// # Errors
/// [`Error::InvalidLearningRate`] unless α is positive and finite, and the
/// errors of [`least_squares_fit`] for degenerate data.
pub fn run_sgd(data: &LineData, alpha: f64, theta0: [f64; 2], steps: usize, seed: u64) -> Result<Run> {
    let minimum = least_squares_fit(&data.x, &data.y)?;
    let mut optimizer = GradientDescent::new(alpha)?;
    let mut rng = seeded_rng(seed);
    let mut order: Vec<usize> = (0..data.len()).collect();

    let mut run = Run::start(theta0, full_batch_loss(&theta0, data)?, euclidean_distance(&theta0, &minimum), steps);
    let mut theta = theta0;

    'epochs: while run.steps_taken() < steps {
        shuffle(&mut rng, &mut order);
        for &i in &order {
            let gradient = example_gradient(&theta, data.x[i], data.y[i])?;
            let next = optimizer.step(&theta, &gradient)?;
            theta = [next[0], next[1]];

            let finite = run.push(theta, full_batch_loss(&theta, data)?, euclidean_distance(&theta, &minimum));
            if !finite || run.steps_taken() == steps {
                break 'epochs;
            }
        }
    }
    Ok(run)
}
// ANCHOR_END: run_sgd

impl Run {
    fn start(theta0: [f64; 2], loss: f64, distance: f64, requested_steps: usize) -> Self {
        Self { thetas: vec![theta0], losses: vec![loss], distances: vec![distance], requested_steps }
    }

    /// Appends one iterate and returns whether it is finite.
    fn push(&mut self, theta: [f64; 2], loss: f64, distance: f64) -> bool {
        self.thetas.push(theta);
        self.losses.push(loss);
        self.distances.push(distance);
        theta.iter().all(|v| v.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bowl::ROUND_BOWL;

    #[test]
    fn one_step_rate_reaches_minimum() {
        let mut optimizer = GradientDescent::new(0.5).unwrap();
        let run = run_on_bowl(&ROUND_BOWL, &mut optimizer, [3.0, 5.0], 10).unwrap();
        assert_eq!(run.steps_to_tolerance(TOLERANCE).unwrap(), Some(1));
    }

    #[test]
    fn start_at_minimum_needs_zero_steps() {
        let mut optimizer = GradientDescent::new(0.1).unwrap();
        let run = run_on_bowl(&ROUND_BOWL, &mut optimizer, [1.0, 2.0], 10).unwrap();
        assert_eq!(run.steps_to_tolerance(TOLERANCE).unwrap(), Some(0));
    }

    #[test]
    fn bouncing_rate_never_reaches() {
        let mut optimizer = GradientDescent::new(1.0).unwrap();
        let run = run_on_bowl(&ROUND_BOWL, &mut optimizer, [3.0, 5.0], 100).unwrap();
        assert_eq!(run.steps_to_tolerance(TOLERANCE).unwrap(), None);
    }

    #[test]
    fn overflowing_run_stops_early() {
        let mut optimizer = GradientDescent::new(1e6).unwrap();
        let run = run_on_bowl(&ROUND_BOWL, &mut optimizer, [3.0, 5.0], 1000).unwrap();
        assert!(run.steps_taken() < 1000, "{} steps", run.steps_taken());
        assert_eq!(run.steps_to_tolerance(TOLERANCE).unwrap(), None);
    }

    #[test]
    fn tolerance_rejects_zero() {
        let mut optimizer = GradientDescent::new(0.1).unwrap();
        let run = run_on_bowl(&ROUND_BOWL, &mut optimizer, [3.0, 5.0], 1).unwrap();
        assert_eq!(run.steps_to_tolerance(0.0).unwrap_err(), Error::InvalidTolerance(0.0));
    }
}
