//! The text `cargo run -p ch02` prints, in the order of the page.

use std::f64::consts::{E, LN_2};
use std::fmt::Write;

use numfmt::{num, vector, write_wrapped};

use crate::{circulated, examples, naive};

/// Returns the chapter's worked numbers as printed by `cargo run -p ch02`.
pub fn report() -> anyhow::Result<String> {
    let mut out = String::new();
    two_class_example(&mut out)?;
    circulated_value(&mut out)?;
    batch_likelihood(&mut out)?;
    softmax_large_logits(&mut out)?;
    softmax_temperature(&mut out)?;
    softmax_gradient(&mut out)?;
    binary_from_logits(&mut out)?;
    probabilities_zero_or_one(&mut out)?;
    rejected_inputs(&mut out)?;
    Ok(out)
}

fn two_class_example(out: &mut String) -> anyhow::Result<()> {
    let (y, p) = (examples::TWO_CLASS_TARGET, examples::TWO_CLASS_PREDICTION);
    let h = crate::categorical_cross_entropy(&y, &p)?;
    let terms = [crate::binary_cross_entropy(&y[..1], &p[..1])?, crate::binary_cross_entropy(&y[1..], &p[1..])?];
    let mean = crate::binary_cross_entropy(&y, &p)?;

    writeln!(out, "Two-class example: target y = {}, prediction p = {}", vector(&y), vector(&p))?;
    writeln!(out, "  categorical cross-entropy H(y, p) = -ln {} = {} nats", num(p[1]), num(h))?;
    writeln!(
        out,
        "  in bits: H / ln 2 = -log₂ {} = {} bits (ln 2 = {})",
        num(p[1]),
        num(crate::nats_to_bits(h)),
        num(LN_2)
    )?;
    writeln!(out, "  binary cross-entropy per output: ℓ = {}", vector(&terms))?;
    writeln!(
        out,
        "  binary cross-entropy, mean of ℓ: L = {} nats = {} bits",
        num(mean),
        num(crate::nats_to_bits(mean))
    )?;
    writeln!(out, "  binary cross-entropy, sum of ℓ: {} nats", num(terms.iter().sum()))?;
    Ok(())
}

fn circulated_value(out: &mut String) -> anyhow::Result<()> {
    let p = examples::TWO_CLASS_PREDICTION[1];
    let base = circulated::implied_log_base(p, circulated::LOSS);

    writeln!(out)?;
    writeln!(out, "Common mistake: a widely circulated version of the example gives L = {}", num(circulated::LOSS))?;
    writeln!(out, "  -ln {} = {} (base e = {})", num(p), num(-p.ln()), num(E))?;
    writeln!(out, "  -log₂ {} = {} (base 2)", num(p), num(-p.log2()))?;
    writeln!(out, "  -log₁₀ {} = {} (base 10)", num(p), num(-p.log10()))?;
    writeln!(out, "  {} would need base b = {}", num(circulated::LOSS), num(base))?;
    Ok(())
}

fn batch_likelihood(out: &mut String) -> anyhow::Result<()> {
    let (logits, labels) = (examples::batch_logits(), examples::BATCH_LABELS);
    let log_probs = logits.iter().map(|z| crate::log_softmax(z)).collect::<crate::Result<Vec<_>>>()?;
    let nll = crate::negative_log_likelihood(&log_probs, &labels)?;

    writeln!(out)?;
    writeln!(out, "Negative log-likelihood of a batch: N = {} samples, labels counted from 0", logits.len())?;
    let mut likelihood = 1.0;
    let mut cross_entropies = Vec::new();
    for (n, ((z, log_p), &c)) in logits.iter().zip(&log_probs).zip(&labels).enumerate() {
        let p_c = log_p[c].exp();
        likelihood *= p_c;
        let one_hot = examples::one_hot(c, z.len());
        cross_entropies.push(crate::cross_entropy(&one_hot, log_p)?);
        writeln!(
            out,
            "  sample {}: z = {}, label c = {c}, p(c) = {}, -ln p(c) = {}",
            n + 1,
            vector(z),
            num(p_c),
            num(-log_p[c])
        )?;
    }
    let mean_cross_entropy = cross_entropies.iter().sum::<f64>() / cross_entropies.len() as f64;
    writeln!(out, "  likelihood Πₙ p(cₙ) = {}", num(likelihood))?;
    writeln!(out, "  NLL = -(1/N) ln Πₙ p(cₙ) = {}", num(-likelihood.ln() / logits.len() as f64))?;
    writeln!(out, "  NLL = -(1/N) Σₙ ln p(cₙ) = {}", num(nll))?;
    writeln!(out, "  mean cross-entropy with one-hot targets = {}", num(mean_cross_entropy))?;
    Ok(())
}

fn softmax_large_logits(out: &mut String) -> anyhow::Result<()> {
    writeln!(out)?;
    for z in [examples::LARGE_LOGITS.as_slice(), examples::LARGE_NEGATIVE_LOGITS.as_slice()] {
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let shifted: Vec<f64> = z.iter().map(|zi| zi - max).collect();

        writeln!(out, "Softmax with large logits: z = {}", vector(z))?;
        writeln!(out, "  naive e^z / Σ e^z = {}", vector(&naive::softmax(z)))?;
        writeln!(out, "  z - max z = {}", vector(&shifted))?;
        writeln!(out, "  softmax(z) = {}", vector(&crate::softmax(z)?))?;
        writeln!(out, "  LSE(z) = {}", num(crate::log_sum_exp(z)?))?;
        writeln!(out, "  log softmax(z) = {}", vector(&crate::log_softmax(z)?))?;
    }
    Ok(())
}

fn softmax_temperature(out: &mut String) -> anyhow::Result<()> {
    let z = examples::TEMPERATURE_LOGITS;

    writeln!(out)?;
    writeln!(out, "Softmax temperature: softmax(z / T) for z = {}", vector(&z))?;
    for t in examples::TEMPERATURES {
        writeln!(out, "  T = {}: {}", num(t), vector(&crate::softmax_with_temperature(&z, t)?))?;
    }
    Ok(())
}

fn softmax_gradient(out: &mut String) -> anyhow::Result<()> {
    let (y, z) = (examples::GRADIENT_TARGET, examples::GRADIENT_LOGITS);
    let p = crate::softmax(&z)?;
    let dl_dp = crate::categorical_cross_entropy_gradient(&y, &p)?;

    writeln!(out)?;
    writeln!(out, "Gradient of softmax cross-entropy: y = {}, z = {}", vector(&y), vector(&z))?;
    writeln!(out, "  p = softmax(z) = {}", vector(&p))?;
    writeln!(out, "  L = -ln p₂ = {}", num(crate::softmax_cross_entropy(&y, &z)?))?;
    writeln!(out, "  ∂L/∂p = -y / p = {}", vector(&dl_dp))?;
    writeln!(out, "  ∂L/∂z through the softmax Jacobian = {}", vector(&crate::softmax_backward(&p, &dl_dp)?))?;
    writeln!(out, "  ∂L/∂z = p - y = {}", vector(&crate::softmax_cross_entropy_gradient(&y, &z)?))?;

    let large = examples::LARGE_LOGITS;
    writeln!(
        out,
        "  with z = {}: L = {}, ∂L/∂z = p - y = {}",
        vector(&large),
        num(crate::softmax_cross_entropy(&y, &large)?),
        vector(&crate::softmax_cross_entropy_gradient(&y, &large)?)
    )?;
    Ok(())
}

fn binary_from_logits(out: &mut String) -> anyhow::Result<()> {
    let (y, z) = (examples::EXTREME_TARGET, examples::EXTREME_LOGITS);
    let terms: Vec<f64> = y
        .iter()
        .zip(&z)
        .map(|(&yi, &zi)| crate::binary_cross_entropy_with_logits(&[yi], &[zi]))
        .collect::<crate::Result<_>>()?;
    let mean = crate::binary_cross_entropy_with_logits(&y, &z)?;

    writeln!(out)?;
    writeln!(out, "Binary cross-entropy from logits: y = {}, z = {}", vector(&y), vector(&z))?;
    writeln!(out, "  naive, σ(z) first: ℓ = {}", vector(&naive::binary_cross_entropy_with_logits_terms(&y, &z)?))?;
    writeln!(out, "  with ln σ(z) and ln σ(-z): ℓ = {}", vector(&terms))?;
    writeln!(out, "  ln 2 / {} = {}", y.len(), num(LN_2 / y.len() as f64))?;
    // Six decimals rather than six significant digits, so the ln 2 / 4 part
    // of the mean is visible in full.
    writeln!(out, "  mean L = {mean:.6} (six decimals)")?;
    writeln!(
        out,
        "  ∂L/∂z = (σ(z) - y) / {} = {}",
        y.len(),
        vector(&crate::binary_cross_entropy_with_logits_gradient(&y, &z)?)
    )?;
    Ok(())
}

fn probabilities_zero_or_one(out: &mut String) -> anyhow::Result<()> {
    let y = examples::TWO_CLASS_TARGET;

    writeln!(out)?;
    writeln!(out, "Probabilities of exactly 0 or 1: p is clamped to [ε, 1 - ε], ε = {}", num(crate::EPSILON))?;
    writeln!(out, "  -ln ε = {}", num(-crate::EPSILON.ln()))?;
    for p in [[1.0, 0.0], [0.0, 1.0]] {
        writeln!(out, "  y = {}, p = {}", vector(&y), vector(&p))?;
        writeln!(out, "    without the clamp: ℓ = {}", vector(&naive::binary_cross_entropy_terms(&y, &p)?))?;
        writeln!(out, "    binary cross-entropy L = {}", num(crate::binary_cross_entropy(&y, &p)?))?;
        writeln!(out, "    categorical cross-entropy H = {}", num(crate::categorical_cross_entropy(&y, &p)?))?;
        writeln!(out, "    ∂L/∂p = {}", vector(&crate::binary_cross_entropy_gradient(&y, &p)?))?;
    }
    Ok(())
}

fn rejected_inputs(out: &mut String) -> anyhow::Result<()> {
    let y = examples::TWO_CLASS_TARGET;

    writeln!(out)?;
    writeln!(
        out,
        "Rejected inputs: probabilities outside [0, 1], and distributions whose sum is not within {} of 1",
        num(crate::SUM_TOLERANCE)
    )?;
    for p in examples::INVALID_PREDICTIONS {
        let message = match crate::categorical_cross_entropy(&y, &p) {
            Ok(h) => format!("accepted, H = {}", num(h)),
            Err(err) => format!("error: {err}"),
        };
        writeln!(out, "  y = {}, p = {}", vector(&y), vector(&p))?;
        // Further lines of a long message line up with the text after "error: ".
        write_wrapped(out, "    ", "           ", &message)?;
    }
    Ok(())
}
