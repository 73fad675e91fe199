//! The text `cargo run -p ch03` prints, in the order the page explains it.

use std::fmt::Write;

use numfmt::{num, vector};

use crate::bowl::{euclidean_distance, Bowl, ILL_CONDITIONED_BOWL, ROUND_BOWL};
use crate::experiments::{
    bowl_runs, line_data, sgd_run, sgd_stability_limit, ADAM_ALPHA, DESCENT_ALPHAS, MOMENTUM, REGIME_ALPHAS,
    SETTLING_WINDOW, SGD_ALPHAS, START, WORKED_ALPHA,
};
use crate::gradient_descent_step;
use crate::least_squares::{example_gradient, full_batch_gradient, full_batch_loss, least_squares_fit, LineData};
use crate::optimizers::{Adam, AdamConfig, GradientDescent, Momentum, Optimizer};
use crate::rates::{contraction_factor, momentum_rate, StepRegime};
use crate::rng::{NOISE_SEED, SAMPLING_SEED};
use crate::runs::{run_on_bowl, Run, STEP_BUDGET, TOLERANCE};

/// Number of steps the step-by-step example shows.
const WORKED_STEPS: usize = 5;

/// Number of steps of the bouncing run on the ill-conditioned bowl whose θ₂ is shown.
const BOUNCE_STEPS: usize = 5;

/// Returns the chapter's worked numbers as the program prints them.
///
/// # Errors
/// None for the chapter's fixed settings. The error type lets a changed
/// setting (an invalid learning rate, say) surface as a message.
pub fn report() -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(out, "Chapter 3: gradient descent")?;
    writeln!(out)?;
    write_update_rule(&mut out)?;
    write_round_regimes(&mut out)?;
    write_start_at_minimum(&mut out)?;
    write_worked_steps(&mut out)?;
    write_ill_conditioned_regimes(&mut out)?;
    write_momentum(&mut out)?;
    write_adam_first_step(&mut out)?;
    write_steps_to_tolerance(&mut out)?;
    write_sgd(&mut out)?;
    Ok(out)
}

fn write_update_rule(out: &mut String) -> anyhow::Result<()> {
    writeln!(out, "Update rule: θ ← θ − α∇L(θ)")?;
    writeln!(out, "Round bowl: L(θ) = (θ₁ − 1)² + (θ₂ − 2)², minimum θ* = {}", vector(&ROUND_BOWL.minimum()))?;
    writeln!(out, "  ∇L(θ) = [2(θ₁ − 1), 2(θ₂ − 2)]")?;
    writeln!(out, "  Hessian ∇²L = {}", diagonal_matrix(&ROUND_BOWL))?;
    writeln!(out)?;
    Ok(())
}

fn write_round_regimes(out: &mut String) -> anyhow::Result<()> {
    let [lambda, _] = ROUND_BOWL.hessian_diagonal();
    writeln!(out, "Learning rates on the round bowl (λ = {}, error factor per step r = 1 − 2α):", num(lambda))?;
    writeln!(out, "  {:<6} {:<7} {:<7} behaviour", "α", "r", "r²")?;
    for alpha in REGIME_ALPHAS {
        let r = contraction_factor(alpha, lambda)?;
        writeln!(out, "  {:<6} {:<7} {:<7} {}", num(alpha), num(r), num(r * r), StepRegime::of_factor(r))?;
    }
    writeln!(out, "  (r² is the factor by which one step multiplies the loss)")?;
    writeln!(out, "  converges for 0 < α < 2/λ = {}", num(2.0 / lambda))?;
    writeln!(out, "  converges monotonically for 0 < α < 1/λ = {}", num(1.0 / lambda))?;
    writeln!(out, "  lands on the minimum in one step at α = 1/λ = {}", num(1.0 / lambda))?;
    writeln!(out)?;
    Ok(())
}

fn write_start_at_minimum(out: &mut String) -> anyhow::Result<()> {
    let theta0 = ROUND_BOWL.minimum();
    let gradient = ROUND_BOWL.gradient(&theta0);
    let theta1 = gradient_descent_step(&theta0, &gradient, WORKED_ALPHA)?;

    writeln!(out, "Starting at the minimum, θ₀ = {}, α = {}:", vector(&theta0), num(WORKED_ALPHA))?;
    writeln!(out, "  L(θ₀) = {}, ∇L(θ₀) = {}", num(ROUND_BOWL.loss(&theta0)), vector(&gradient))?;
    writeln!(
        out,
        "  θ₁ = θ₀ − α∇L(θ₀) = {} − {} × {} = {}",
        vector(&theta0),
        num(WORKED_ALPHA),
        vector(&gradient),
        vector(&theta1)
    )?;
    let verdict = if theta1 == theta0 { "the step changes nothing" } else { "the step moved θ" };
    writeln!(out, "  θ₁ == θ₀: {verdict}, because the gradient at the minimum is zero")?;
    writeln!(out)?;
    Ok(())
}

fn write_worked_steps(out: &mut String) -> anyhow::Result<()> {
    writeln!(out, "Starting away from the minimum, θ₀ = {}, α = {}:", vector(&START), num(WORKED_ALPHA))?;
    write_first_step_in_full(out)?;
    writeln!(out, "  {:<2} {:<18} {:<9} {:<18} {:<20} θ_(t+1)", "t", "θ_t", "L(θ_t)", "∇L(θ_t)", "α∇L(θ_t)")?;

    let mut theta = START.to_vec();
    let mut losses = Vec::new();
    for t in 0..WORKED_STEPS {
        let point = [theta[0], theta[1]];
        let gradient = ROUND_BOWL.gradient(&point);
        let scaled = [WORKED_ALPHA * gradient[0], WORKED_ALPHA * gradient[1]];
        let next = gradient_descent_step(&theta, &gradient, WORKED_ALPHA)?;
        losses.push(ROUND_BOWL.loss(&point));

        writeln!(
            out,
            "  {:<2} {:<18} {:<9} {:<18} {:<20} {}",
            t,
            vector(&theta),
            num(ROUND_BOWL.loss(&point)),
            vector(&gradient),
            vector(&scaled),
            vector(&next)
        )?;
        theta = next;
    }

    let r = contraction_factor(WORKED_ALPHA, ROUND_BOWL.hessian_diagonal()[0])?;
    writeln!(out, "  θ_(t+1) − θ* = r(θ_t − θ*) with r = 1 − 2α = {}", num(r))?;
    writeln!(out, "  L(θ₁)/L(θ₀) = {} = r²", num(losses[1] / losses[0]))?;
    writeln!(out)?;
    Ok(())
}

fn write_first_step_in_full(out: &mut String) -> anyhow::Result<()> {
    let [t1, t2] = START;
    let [m1, m2] = ROUND_BOWL.minimum();
    let gradient = ROUND_BOWL.gradient(&START);
    let scaled = [WORKED_ALPHA * gradient[0], WORKED_ALPHA * gradient[1]];
    let next = gradient_descent_step(&START, &gradient, WORKED_ALPHA)?;
    let error = [next[0] - m1, next[1] - m2];

    writeln!(out, "  step 1 in full:")?;
    writeln!(
        out,
        "    L(θ₀) = ({} − {})² + ({} − {})² = {}",
        num(t1),
        num(m1),
        num(t2),
        num(m2),
        num(ROUND_BOWL.loss(&START))
    )?;
    writeln!(out, "    ∇L(θ₀) = [2({} − {}), 2({} − {})] = {}", num(t1), num(m1), num(t2), num(m2), vector(&gradient))?;
    writeln!(
        out,
        "    θ₁ = {} − {} × {} = [{} − {}, {} − {}] = {}",
        vector(&START),
        num(WORKED_ALPHA),
        vector(&gradient),
        num(t1),
        num(scaled[0]),
        num(t2),
        num(scaled[1]),
        vector(&next)
    )?;
    writeln!(out, "    θ₁ − θ* = {}", vector(&error))?;
    writeln!(
        out,
        "    L(θ₁) = {}² + {}² = {} + {} = {}",
        num(error[0]),
        num(error[1]),
        num(error[0] * error[0]),
        num(error[1] * error[1]),
        num(ROUND_BOWL.loss(&[next[0], next[1]]))
    )?;
    Ok(())
}

fn write_ill_conditioned_regimes(out: &mut String) -> anyhow::Result<()> {
    let bowl = ILL_CONDITIONED_BOWL;
    let [lambda1, lambda2] = bowl.hessian_diagonal();
    writeln!(out, "Ill-conditioned bowl: L(θ) = (θ₁ − 1)² + 10(θ₂ − 2)², minimum θ* = {}", vector(&bowl.minimum()))?;
    writeln!(out, "  ∇L(θ) = [2(θ₁ − 1), 20(θ₂ − 2)]")?;
    writeln!(out, "  Hessian ∇²L = {}, condition number {}", diagonal_matrix(&bowl), num(bowl.condition_number()))?;
    writeln!(out, "  converges for 0 < α < 2/λ_max = {}", num(2.0 / lambda1.max(lambda2)))?;
    writeln!(out, "  {:<6} {:<12} {:<13} behaviour along θ₁; along θ₂", "α", "r₁ = 1 − 2α", "r₂ = 1 − 20α")?;
    for alpha in DESCENT_ALPHAS {
        let r1 = contraction_factor(alpha, lambda1)?;
        let r2 = contraction_factor(alpha, lambda2)?;
        writeln!(
            out,
            "  {:<6} {:<12} {:<13} {}; {}",
            num(alpha),
            num(r1),
            num(r2),
            StepRegime::of_factor(r1),
            StepRegime::of_factor(r2)
        )?;
    }
    write_bounce(out, &bowl)?;
    writeln!(out)?;
    Ok(())
}

/// Writes the run with r₂ = −1: θ₂ jumps between two values while θ₁ converges.
fn write_bounce(out: &mut String, bowl: &Bowl) -> anyhow::Result<()> {
    let alpha = DESCENT_ALPHAS[0];
    let run = run_on_bowl(bowl, &mut GradientDescent::new(alpha)?, START, STEP_BUDGET)?;
    let theta2: Vec<f64> = run.thetas[..=BOUNCE_STEPS].iter().map(|theta| theta[1]).collect();
    let (low, high) = (
        theta2.iter().copied().fold(f64::INFINITY, f64::min),
        theta2.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );

    writeln!(
        out,
        "  α = {} from θ₀ = {}: θ₂ at steps 0 to {} = {}",
        num(alpha),
        vector(&START),
        BOUNCE_STEPS,
        vector(&theta2)
    )?;
    writeln!(
        out,
        "    θ₂ jumps between {} and {}, each {} from θ*₂ = {}",
        num(high),
        num(low),
        num(high - bowl.minimum()[1]),
        num(bowl.minimum()[1])
    )?;
    writeln!(
        out,
        "    after {} steps θ = {}, ‖θ − θ*‖₂ = {}: it bounces at this distance forever",
        STEP_BUDGET,
        vector(&run.final_theta()),
        num(run.final_distance())
    )?;
    Ok(())
}

fn write_momentum(out: &mut String) -> anyhow::Result<()> {
    let (alpha, mu) = MOMENTUM;
    writeln!(out, "Momentum: v_t = μv_(t−1) + ∇L(θ_(t−1)), θ_t = θ_(t−1) − αv_t, α = {}, μ = {}", num(alpha), num(mu))?;
    for (name, bowl) in [("round bowl", ROUND_BOWL), ("ill-conditioned bowl", ILL_CONDITIONED_BOWL)] {
        let [lambda1, lambda2] = bowl.hessian_diagonal();
        let rho1 = momentum_rate(alpha, mu, lambda1)?;
        let rho2 = momentum_rate(alpha, mu, lambda2)?;
        writeln!(
            out,
            "  {name}: rate ρ = {} along θ₁ (λ = {}), {} along θ₂ (λ = {})",
            num(rho1),
            num(lambda1),
            num(rho2),
            num(lambda2)
        )?;
    }
    writeln!(
        out,
        "  converges for 0 < αλ < 2(1 + μ), so α < {} on the ill-conditioned bowl",
        num(2.0 * (1.0 + mu) / 20.0)
    )?;

    let mut optimizer = Momentum::new(alpha, mu)?;
    let mut theta = START.to_vec();
    writeln!(out, "  round bowl from θ₀ = {}:", vector(&START))?;
    for t in 1..=2 {
        let gradient = ROUND_BOWL.gradient(&[theta[0], theta[1]]);
        theta = optimizer.step(&theta, &gradient)?;
        writeln!(
            out,
            "    t = {t}: ∇L(θ_{}) = {}, v_{t} = {}, θ_{t} = {}",
            t - 1,
            vector(&gradient),
            vector(optimizer.velocity()),
            vector(&theta)
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn write_adam_first_step(out: &mut String) -> anyhow::Result<()> {
    let config = AdamConfig::with_learning_rate(ADAM_ALPHA);
    writeln!(
        out,
        "Adam: α = {}, β₁ = {}, β₂ = {}, ε = {}",
        num(config.alpha),
        num(config.beta1),
        num(config.beta2),
        num(config.epsilon)
    )?;
    writeln!(out, "  θ_t = θ_(t−1) − α m̂_t/(√v̂_t + ε), with m̂_t = m_t/(1 − β₁ᵗ) and v̂_t = v_t/(1 − β₂ᵗ)")?;
    writeln!(out, "  1 − β₁ = {}, 1 − β₂ = {}", num(1.0 - config.beta1), num(1.0 - config.beta2))?;

    for (name, bowl) in [("round bowl", ROUND_BOWL), ("ill-conditioned bowl", ILL_CONDITIONED_BOWL)] {
        let mut adam = Adam::new(config)?;
        let gradient = bowl.gradient(&START);
        let theta1 = adam.step(&START, &gradient)?;
        let (correction1, correction2) = adam.bias_corrections();
        let m_hat: Vec<f64> = adam.first_moment().iter().map(|m| m / correction1).collect();
        let v_hat: Vec<f64> = adam.second_moment().iter().map(|v| v / correction2).collect();
        let update: Vec<f64> = START.iter().zip(&theta1).map(|(before, after)| before - after).collect();

        writeln!(out, "  {name}, step 1 from θ₀ = {}: g₁ = ∇L(θ₀) = {}", vector(&START), vector(&gradient))?;
        writeln!(
            out,
            "    m₁ = (1 − β₁)g₁ = {}, v₁ = (1 − β₂)g₁² = {}",
            vector(adam.first_moment()),
            vector(adam.second_moment())
        )?;
        writeln!(out, "    m̂₁ = m₁/(1 − β₁) = {}, v̂₁ = v₁/(1 − β₂) = {}", vector(&m_hat), vector(&v_hat))?;
        writeln!(out, "    α m̂₁/(√v̂₁ + ε) = {}, θ₁ = {}", vector(&update), vector(&theta1))?;
    }
    writeln!(out)?;
    Ok(())
}

fn write_steps_to_tolerance(out: &mut String) -> anyhow::Result<()> {
    writeln!(out, "Steps to reach the minimum from θ₀ = {}:", vector(&START))?;
    writeln!(out, "  the smallest t with ‖θ_s − θ*‖₂ ≤ {} for every s from t to {}", num(TOLERANCE), STEP_BUDGET)?;
    writeln!(out, "  {:<34} {:<11} ill-conditioned bowl", "method", "round bowl")?;

    let round = bowl_runs(&ROUND_BOWL, STEP_BUDGET)?;
    let ill = bowl_runs(&ILL_CONDITIONED_BOWL, STEP_BUDGET)?;
    for ((label, round_run), (_, ill_run)) in round.iter().zip(&ill) {
        let round_steps = steps_or_final_distance(round_run)?;
        writeln!(out, "  {:<34} {:<11} {}", label, round_steps, steps_or_final_distance(ill_run)?)?;
    }

    // Adam divides each coordinate by its own gradient scale, so the factor 10
    // along θ₂ cancels except where ε matters.
    let adam_round = &round[round.len() - 1].1;
    let adam_ill = &ill[ill.len() - 1].1;
    let largest_gap =
        adam_round.thetas.iter().zip(&adam_ill.thetas).map(|(a, b)| euclidean_distance(a, b)).fold(0.0, f64::max);
    writeln!(out, "  largest distance between the two Adam trajectories: {}", num(largest_gap))?;
    writeln!(out)?;
    Ok(())
}

fn write_sgd(out: &mut String) -> anyhow::Result<()> {
    writeln!(out, "Stochastic gradient descent on the line fit ŷ = θ₁ + θ₂x")?;
    writeln!(out, "  per-example loss ℓᵢ(θ) = (θ₁ + θ₂xᵢ − yᵢ)², ∇ℓᵢ(θ) = 2(θ₁ + θ₂xᵢ − yᵢ)[1, xᵢ]")?;
    writeln!(out, "  full-batch loss L(θ) = (1/n) Σᵢ ℓᵢ(θ)")?;
    writeln!(out, "  noise: uniform draws in [-0.5, 0.5) from seed {NOISE_SEED}, minus their own least-squares line")?;

    for (name, ill_conditioned, bowl) in [("round", false, ROUND_BOWL), ("ill-conditioned", true, ILL_CONDITIONED_BOWL)]
    {
        write_line_data(out, name, &line_data(ill_conditioned, true)?, &bowl)?;
    }

    writeln!(
        out,
        "SGD, batch size 1, example order shuffled every epoch from seed {SAMPLING_SEED}, θ₀ = {}, {} steps:",
        vector(&START),
        STEP_BUDGET
    )?;
    // θ̂ is two chars (θ and a combining circumflex) shown in one column, so
    // the header cell that contains it is padded to one char more.
    writeln!(
        out,
        "  {:<26} {:<5} {:<14} {:<17} mean ‖θ − θ̂‖₂, last {} steps",
        "data", "α", "steps to 1e-6", "final ‖θ − θ̂‖₂", SETTLING_WINDOW
    )?;
    for (name, ill_conditioned) in [("round", false), ("ill-conditioned", true)] {
        for noisy in [false, true] {
            let data = line_data(ill_conditioned, noisy)?;
            let alphas: &[f64] = if noisy { &SGD_ALPHAS } else { &SGD_ALPHAS[..1] };
            for &alpha in alphas {
                let run = sgd_run(&data, alpha, STEP_BUDGET)?;
                let label = format!("{name}, {}", if noisy { "noisy" } else { "no noise" });
                writeln!(
                    out,
                    "  {:<26} {:<5} {:<14} {:<16} {}",
                    label,
                    num(alpha),
                    steps_text(&run)?,
                    num(run.final_distance()),
                    num(run.mean_final_distance(SETTLING_WINDOW))
                )?;
            }
        }
    }
    Ok(())
}

fn write_line_data(out: &mut String, name: &str, data: &LineData, bowl: &Bowl) -> anyhow::Result<()> {
    let n = data.len() as f64;
    let mean_square = data.x.iter().map(|x| x * x).sum::<f64>() / n;
    let theta_hat = least_squares_fit(&data.x, &data.y)?;
    let at_minimum = full_batch_gradient(&theta_hat, data)?;
    let mut largest_example_gradient: f64 = 0.0;
    for (&x, &y) in data.x.iter().zip(&data.y) {
        let [g1, g2] = example_gradient(&theta_hat, x, y)?;
        largest_example_gradient = largest_example_gradient.max((g1 * g1 + g2 * g2).sqrt());
    }

    writeln!(out, "  {name} data, n = {}:", data.len())?;
    writeln!(
        out,
        "    x = {} (mean {}, mean square {})",
        vector(&data.x),
        num(data.x.iter().sum::<f64>() / n),
        num(mean_square)
    )?;
    writeln!(out, "    y = {}", vector(&data.y))?;
    writeln!(out, "    noise r = {}", vector(&data.noise))?;
    writeln!(out, "    s² = mean r² = {}", num(data.noise_variance()?))?;
    writeln!(
        out,
        "    least-squares solution θ̂ = {}, ‖θ̂ − θ*‖₂ = {}",
        vector(&theta_hat),
        num(euclidean_distance(&theta_hat, &bowl.minimum()))
    )?;
    writeln!(
        out,
        "    L(θ₀) − s² = {}, bowl L(θ₀) = {}",
        num(full_batch_loss(&START, data)? - data.noise_variance()?),
        num(bowl.loss(&START))
    )?;
    writeln!(
        out,
        "    at θ̂: ‖∇L‖₂ = {}, but the largest ‖∇ℓᵢ‖₂ = {}",
        num((at_minimum[0] * at_minimum[0] + at_minimum[1] * at_minimum[1]).sqrt()),
        num(largest_example_gradient)
    )?;
    writeln!(
        out,
        "    steps on a single example are stable for α < 2 / max 2(1 + xᵢ²) = {}",
        num(sgd_stability_limit(data)?)
    )?;
    Ok(())
}

/// Formats the step count of a run, or "not reached".
fn steps_text(run: &Run) -> anyhow::Result<String> {
    Ok(match run.steps_to_tolerance(TOLERANCE)? {
        Some(steps) => steps.to_string(),
        None => "not reached".to_owned(),
    })
}

/// Formats the step count of a run, or "not reached" with the final distance.
fn steps_or_final_distance(run: &Run) -> anyhow::Result<String> {
    Ok(match run.steps_to_tolerance(TOLERANCE)? {
        Some(steps) => steps.to_string(),
        None => format!("not reached, final ‖θ − θ*‖₂ = {}", num(run.final_distance())),
    })
}

/// Writes diag(λ₁, λ₂) as a 2 × 2 matrix.
fn diagonal_matrix(bowl: &Bowl) -> String {
    let [a, b] = bowl.hessian_diagonal();
    numfmt::matrix(&[a, 0.0, 0.0, b], 2)
}
