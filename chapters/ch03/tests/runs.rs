//! The worked runs: the step from the minimum, the first steps away from it,
//! and SGD on the noisy line fit.

use ch03::bowl::ROUND_BOWL;
use ch03::experiments::{line_data, sgd_run, START};
use ch03::gradient_descent_step;
use ch03::least_squares::{full_batch_loss, least_squares_fit, noisy_line, ROUND_INPUTS};
use ch03::runs::TOLERANCE;
use ch03::{Error, ILL_CONDITIONED_BOWL};

#[test]
fn step_at_minimum_changes_nothing() {
    let minimum = ROUND_BOWL.minimum();
    let gradient = ROUND_BOWL.gradient(&minimum);
    assert_eq!(gradient, [0.0, 0.0]);
    assert_eq!(gradient_descent_step(&minimum, &gradient, 0.1).unwrap(), vec![1.0, 2.0]);
}

#[test]
fn first_step_from_start() {
    let theta1 = gradient_descent_step(&START, &ROUND_BOWL.gradient(&START), 0.1).unwrap();
    assert!((theta1[0] - 2.6).abs() < 1e-15, "{theta1:?}");
    assert!((theta1[1] - 4.4).abs() < 1e-15, "{theta1:?}");
}

#[test]
fn first_step_loss_ratio() {
    let theta1 = gradient_descent_step(&START, &ROUND_BOWL.gradient(&START), 0.1).unwrap();
    let ratio = ROUND_BOWL.loss(&[theta1[0], theta1[1]]) / ROUND_BOWL.loss(&START);
    assert!((ratio - 0.64).abs() < 1e-15, "{ratio}");
}

#[test]
fn full_batch_loss_is_bowl_plus_noise() {
    for (ill_conditioned, bowl) in [(false, ROUND_BOWL), (true, ILL_CONDITIONED_BOWL)] {
        let data = line_data(ill_conditioned, true).unwrap();
        for theta in [[3.0, 5.0], [-0.7, 2.9], [1.0, 2.0]] {
            let lifted = bowl.loss(&theta) + data.noise_variance().unwrap();
            let loss = full_batch_loss(&theta, &data).unwrap();
            assert!((loss - lifted).abs() < 1e-12, "θ = {theta:?}: {loss} vs {lifted}");
        }
    }
}

#[test]
fn noisy_data_fit_is_true_line() {
    let data = line_data(false, true).unwrap();
    let theta_hat = least_squares_fit(&data.x, &data.y).unwrap();
    assert!((theta_hat[0] - 1.0).abs() < 1e-14, "θ̂ = {theta_hat:?}");
    assert!((theta_hat[1] - 2.0).abs() < 1e-14, "θ̂ = {theta_hat:?}");
}

#[test]
fn noisy_data_has_noise() {
    assert!(line_data(false, true).unwrap().noise_variance().unwrap() > 1e-3);
}

#[test]
fn noise_free_data_is_exact() {
    assert_eq!(line_data(false, false).unwrap().noise_variance().unwrap(), 0.0);
}

#[test]
fn noise_depends_on_seed() {
    let a = noisy_line(&ROUND_INPUTS, [1.0, 2.0], 1.0, 1).unwrap();
    let b = noisy_line(&ROUND_INPUTS, [1.0, 2.0], 1.0, 2).unwrap();
    assert_ne!(a.noise, b.noise);
}

#[test]
fn sgd_run_is_reproducible() {
    let data = line_data(false, true).unwrap();
    assert_eq!(sgd_run(&data, 0.02, 500).unwrap(), sgd_run(&data, 0.02, 500).unwrap());
}

#[test]
fn sgd_noise_free_reaches_tolerance() {
    let run = sgd_run(&line_data(false, false).unwrap(), 0.02, 2000).unwrap();
    assert!(run.steps_to_tolerance(TOLERANCE).unwrap().is_some(), "distance {}", run.final_distance());
}

#[test]
fn sgd_noisy_stalls_above_tolerance() {
    let run = sgd_run(&line_data(false, true).unwrap(), 0.02, 2000).unwrap();
    assert_eq!(run.steps_to_tolerance(TOLERANCE).unwrap(), None);
}

#[test]
fn sgd_floor_shrinks_with_rate() {
    let data = line_data(false, true).unwrap();
    let large = sgd_run(&data, 0.02, 10_000).unwrap().mean_final_distance(1000);
    let small = sgd_run(&data, 0.01, 10_000).unwrap().mean_final_distance(1000);
    assert!(small < 0.7 * large, "α = 0.01: {small}, α = 0.02: {large}");
}

#[test]
fn sgd_rejects_zero_rate() {
    let data = line_data(false, true).unwrap();
    assert_eq!(sgd_run(&data, 0.0, 10).unwrap_err(), Error::InvalidLearningRate(0.0));
}

#[test]
fn sgd_runs_exact_step_count() {
    let run = sgd_run(&line_data(true, true).unwrap(), 0.01, 10).unwrap();
    assert_eq!(run.steps_taken(), 10);
}
