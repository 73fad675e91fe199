//! Optimizer steps checked against hand computations and against the rates
//! derived from the Hessian.

use ch03::bowl::{ILL_CONDITIONED_BOWL, ROUND_BOWL};
use ch03::experiments::{REGIME_ALPHAS, START};
use ch03::optimizers::{Adam, AdamConfig, GradientDescent, Momentum, Optimizer};
use ch03::rates::{contraction_factor, momentum_rate, StepRegime};
use ch03::runs::{run_on_bowl, TOLERANCE};

#[test]
fn adam_first_step_by_hand() {
    // One Adam step on the round bowl from θ₀ = [3, 5], with α = 0.1,
    // β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and m₀ = v₀ = 0:
    //   g₁ = ∇L(θ₀) = [2(3 − 1), 2(5 − 2)] = [4, 6]
    //   m₁ = 0.9·0 + 0.1·g₁      = [0.4, 0.6]
    //   v₁ = 0.999·0 + 0.001·g₁² = [0.016, 0.036]
    //   m̂₁ = m₁ / (1 − 0.9)      = [4, 6]
    //   v̂₁ = v₁ / (1 − 0.999)    = [16, 36], so √v̂₁ = [4, 6]
    //   θ₁ = θ₀ − 0.1·m̂₁ / (√v̂₁ + 1e-8)
    //      = [3 − 0.4/4.00000001, 5 − 0.6/6.00000001]
    //      = [3 − 0.09999999975, 5 − 0.0999999998333…]
    //      = [2.90000000025, 4.9000000001666…]
    // With ε inside the square root, θ₁[0] would be 2.9000000000312…, and
    // without bias correction the step would be 0.1·0.4/√0.016 ≈ 0.316.
    let mut adam = Adam::new(AdamConfig::with_learning_rate(0.1)).unwrap();
    let theta1 = adam.step(&START, &ROUND_BOWL.gradient(&START)).unwrap();

    assert!((adam.first_moment()[0] - 0.4).abs() < 1e-15, "m₁ = {:?}", adam.first_moment());
    assert!((adam.second_moment()[1] - 0.036).abs() < 1e-15, "v₁ = {:?}", adam.second_moment());
    assert!((theta1[0] - 2.900_000_000_25).abs() < 1e-12, "θ₁ = {theta1:?}");
    assert!((theta1[1] - (5.0 - 0.6 / 6.000_000_01)).abs() < 1e-12, "θ₁ = {theta1:?}");
}

#[test]
fn adam_first_step_scale_free() {
    // On the ill-conditioned bowl g₁ = [4, 60], v̂₁ = [16, 3600], and the step
    // along θ₂ is 0.1·60/(60 + 1e-8): still almost exactly α.
    let mut adam = Adam::new(AdamConfig::with_learning_rate(0.1)).unwrap();
    let theta1 = adam.step(&START, &ILL_CONDITIONED_BOWL.gradient(&START)).unwrap();
    assert!((theta1[1] - (5.0 - 6.0 / 60.000_000_01)).abs() < 1e-12, "θ₁ = {theta1:?}");
}

#[test]
fn adam_second_step_by_hand() {
    // Step 2 continues from θ₁ ≈ [2.9, 4.9] with g₂ = 2(θ₁ − θ*) ≈ [3.8, 5.8]:
    //   m₂ = 0.9·m₁ + 0.1·g₂, v₂ = 0.999·v₁ + 0.001·g₂²,
    //   m̂₂ = m₂/(1 − 0.81), v̂₂ = v₂/(1 − 0.998001).
    // The formulas are written out here with the exact θ₁ from step 1.
    let mut adam = Adam::new(AdamConfig::with_learning_rate(0.1)).unwrap();
    let theta1 = adam.step(&START, &ROUND_BOWL.gradient(&START)).unwrap();
    let theta2 = adam.step(&theta1, &ROUND_BOWL.gradient(&[theta1[0], theta1[1]])).unwrap();

    let g1 = 4.0;
    let g2 = 2.0 * (theta1[0] - 1.0);
    let m2 = 0.9 * (0.1 * g1) + 0.1 * g2;
    let v2 = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2;
    let expected = theta1[0] - 0.1 * (m2 / 0.19) / ((v2 / 0.001999).sqrt() + 1e-8);
    assert!((theta2[0] - expected).abs() < 1e-12, "θ₂ = {theta2:?}, expected {expected}");
}

#[test]
fn descent_error_shrinks_by_factor() {
    // One step multiplies θ − θ* by r = 1 − 2α on the round bowl.
    for alpha in REGIME_ALPHAS {
        let r = contraction_factor(alpha, 2.0).unwrap();
        let theta1 = GradientDescent::new(alpha).unwrap().step(&START, &ROUND_BOWL.gradient(&START)).unwrap();
        for i in 0..2 {
            let ratio = (theta1[i] - ROUND_BOWL.minimum()[i]) / (START[i] - ROUND_BOWL.minimum()[i]);
            assert!((ratio - r).abs() < 1e-12, "α = {alpha}, coordinate {i}: ratio {ratio}, r = {r}");
        }
    }
}

#[test]
fn descent_regimes_show_in_losses() {
    for alpha in REGIME_ALPHAS {
        let run = run_on_bowl(&ROUND_BOWL, &mut GradientDescent::new(alpha).unwrap(), START, 20).unwrap();
        let (first, last) = (run.losses[0], run.losses[20]);
        match StepRegime::of_factor(contraction_factor(alpha, 2.0).unwrap()) {
            StepRegime::Monotone | StepRegime::Oscillating => assert!(last < first * 1e-3, "α = {alpha}: {last}"),
            StepRegime::OneStep => assert_eq!(run.losses[1], 0.0, "α = {alpha}"),
            StepRegime::Bouncing => assert_eq!(last, first, "α = {alpha}"),
            StepRegime::Diverging => assert!(last > first * 10.0, "α = {alpha}: {last}"),
            StepRegime::NoProgress => panic!("α = {alpha} makes no progress"),
        }
    }
}

#[test]
fn oscillating_rate_flips_sign() {
    let run = run_on_bowl(&ROUND_BOWL, &mut GradientDescent::new(0.8).unwrap(), START, 2).unwrap();
    assert!(run.thetas[1][0] < 1.0, "θ₁ = {:?}", run.thetas[1]);
    assert!(run.thetas[2][0] > 1.0, "θ₂ = {:?}", run.thetas[2]);
}

#[test]
fn momentum_rate_matches_simulation() {
    // The error of the state (e, v) shrinks by ρ per step on average, so
    // (‖s_T‖ / ‖s_T/2‖)^(2/T) approaches ρ for large T.
    for (alpha, mu, lambda) in [(0.09, 0.5, 2.0), (0.09, 0.5, 20.0), (0.02, 0.9, 2.0), (0.1, 0.1, 2.0)] {
        let mut optimizer = Momentum::new(alpha, mu).unwrap();
        let mut e = vec![1.0];
        let mut norms = Vec::new();
        for _ in 0..400 {
            e = optimizer.step(&e, &[lambda * e[0]]).unwrap();
            norms.push(e[0].hypot(optimizer.velocity()[0]));
        }
        let measured = (norms[399] / norms[199]).powf(1.0 / 200.0);
        let rho = momentum_rate(alpha, mu, lambda).unwrap();
        assert!((measured - rho).abs() < 2e-2, "α = {alpha}, μ = {mu}, λ = {lambda}: {measured} vs ρ = {rho}");
    }
}

#[test]
fn momentum_diverges_past_limit() {
    // On the ill-conditioned bowl momentum with μ = 0.5 needs α < 2(1 + μ)/20 = 0.15.
    let run = run_on_bowl(&ILL_CONDITIONED_BOWL, &mut Momentum::new(0.16, 0.5).unwrap(), START, 200).unwrap();
    assert!(run.final_distance() > 10.0, "distance {}", run.final_distance());
}

#[test]
fn adam_reaches_tolerance_on_bowls() {
    for bowl in [ROUND_BOWL, ILL_CONDITIONED_BOWL] {
        let mut adam = Adam::new(AdamConfig::with_learning_rate(0.1)).unwrap();
        let run = run_on_bowl(&bowl, &mut adam, START, 2000).unwrap();
        assert!(run.steps_to_tolerance(TOLERANCE).unwrap().is_some(), "final distance {}", run.final_distance());
    }
}
