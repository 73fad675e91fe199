//! Every derived gradient of the chapter, checked twice: against central
//! finite differences in f64 (relative error below 1e-6) and against Candle's
//! autograd in f64 (relative error below 1e-9).
//!
//! Candle's `candle_nn::ops::softmax_last_dim` has no backward pass, so the
//! Candle graphs below build softmax and log-softmax from exp, sum and log.

use candle_core::{Tensor, Var};
use gradcheck::{candle_gradients, central_difference, max_relative_error, DEFAULT_STEP};

const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-6;
const AUTOGRAD_TOLERANCE: f64 = 1e-9;

/// (target, logits) pairs of the softmax cross-entropy checks: the page's
/// example, a soft target, and logits that overflow a naive softmax.
fn softmax_cases() -> Vec<(Vec<f64>, Vec<f64>)> {
    vec![
        (vec![0.0, 1.0, 0.0], vec![2.0, 1.0, 0.1]),
        (vec![0.2, 0.5, 0.3], vec![0.5, -1.5, 3.0]),
        (vec![0.0, 1.0, 0.0], vec![1000.0, 999.0, 0.0]),
    ]
}

/// log softmax(z) of a 1-D tensor from differentiable operations. The shift
/// by max z is detached: LSE(z − c) + c does not depend on c, so the shift
/// changes no gradient, and it keeps exp from overflowing.
fn candle_log_softmax(z: &Tensor) -> candle_core::Result<Tensor> {
    let shift = z.max_keepdim(0)?.detach();
    let shifted = z.broadcast_sub(&shift)?;
    let log_sum = shifted.exp()?.sum_keepdim(0)?.log()?;
    shifted.broadcast_sub(&log_sum)
}

fn candle_softmax(z: &Tensor) -> candle_core::Result<Tensor> {
    candle_log_softmax(z)?.exp()
}

fn tensor(values: &[f64], like: &Var) -> candle_core::Result<Tensor> {
    Tensor::from_slice(values, values.len(), like.device())
}

#[test]
fn softmax_cross_entropy_gradient_central_differences() {
    // At z ≈ 1000 the loss is a difference of numbers near 1000, so a
    // central difference loses most of its digits to rounding. The
    // large-logit case is checked against Candle only.
    for (y, z) in softmax_cases().into_iter().take(2) {
        let analytic = ch02::softmax_cross_entropy_gradient(&y, &z).unwrap();
        let numeric = central_difference(|z| ch02::softmax_cross_entropy(&y, z).unwrap(), &z, DEFAULT_STEP);
        let error = max_relative_error(&analytic, &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "y = {y:?}, z = {z:?}: relative error {error:e}");
    }
}

#[test]
fn softmax_cross_entropy_gradient_matches_candle() {
    for (y, z) in softmax_cases() {
        let analytic = ch02::softmax_cross_entropy_gradient(&y, &z).unwrap();
        let grads = candle_gradients(&[(&[z.len()], &z)], |v| {
            let target = tensor(&y, &v[0])?;
            (target * candle_log_softmax(&v[0])?)?.sum_all()?.neg()
        })
        .unwrap();
        let error = max_relative_error(&analytic, &grads[0]);
        assert!(error < AUTOGRAD_TOLERANCE, "y = {y:?}, z = {z:?}: relative error {error:e}");
    }
}

#[test]
fn softmax_backward_matches_candle() {
    let z = [0.3, -1.2, 2.0, 0.7];
    let upstream = [0.5, -1.0, 2.0, 0.25];
    let s = ch02::softmax(&z).unwrap();
    let analytic = ch02::softmax_backward(&s, &upstream).unwrap();

    // The vector-Jacobian product gᵀJ is the gradient of g · softmax(z).
    let grads = candle_gradients(&[(&[4], &z)], |v| {
        let g = tensor(&upstream, &v[0])?;
        (g * candle_softmax(&v[0])?)?.sum_all()
    })
    .unwrap();
    let error = max_relative_error(&analytic, &grads[0]);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn softmax_backward_central_differences() {
    let z = [0.3, -1.2, 2.0, 0.7];
    let upstream = [0.5, -1.0, 2.0, 0.25];
    let s = ch02::softmax(&z).unwrap();
    let analytic = ch02::softmax_backward(&s, &upstream).unwrap();

    let dot = |z: &[f64]| ch02::softmax(z).unwrap().iter().zip(upstream).map(|(s, g)| s * g).sum::<f64>();
    let numeric = central_difference(dot, &z, DEFAULT_STEP);
    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FINITE_DIFFERENCE_TOLERANCE, "relative error {error:e}");
}

#[test]
fn chain_through_softmax_gives_p_minus_y() {
    // ∂H/∂p = −y/p carried back through the softmax Jacobian equals p − y.
    for (y, z) in softmax_cases().into_iter().take(2) {
        let p = ch02::softmax(&z).unwrap();
        let dl_dp = ch02::categorical_cross_entropy_gradient(&y, &p).unwrap();
        let chained = ch02::softmax_backward(&p, &dl_dp).unwrap();
        let direct = ch02::softmax_cross_entropy_gradient(&y, &z).unwrap();
        let error = max_relative_error(&chained, &direct);
        assert!(error < 1e-12, "y = {y:?}, z = {z:?}: relative error {error:e}");
    }
}

/// (target, logits) pairs of the binary cross-entropy checks, including the
/// page's extreme logits.
fn binary_logit_cases() -> Vec<(Vec<f64>, Vec<f64>)> {
    vec![
        (vec![0.0, 1.0, 1.0, 0.3], vec![0.5, -1.2, 2.0, 0.0]),
        (vec![0.0, 1.0, 1.0, 1.0], vec![1000.0, -1000.0, 1000.0, 0.0]),
    ]
}

#[test]
fn binary_logits_gradient_central_differences() {
    for (y, z) in binary_logit_cases() {
        let analytic = ch02::binary_cross_entropy_with_logits_gradient(&y, &z).unwrap();
        let numeric = central_difference(|z| ch02::binary_cross_entropy_with_logits(&y, z).unwrap(), &z, DEFAULT_STEP);
        let error = max_relative_error(&analytic, &numeric);
        assert!(error < FINITE_DIFFERENCE_TOLERANCE, "y = {y:?}, z = {z:?}: relative error {error:e}");
    }
}

#[test]
fn binary_logits_gradient_matches_candle() {
    // The Candle graph is the textbook form with σ formed first. It is exact
    // for moderate logits, which is all this comparison needs.
    let (y, z) = binary_logit_cases().remove(0);
    let analytic = ch02::binary_cross_entropy_with_logits_gradient(&y, &z).unwrap();
    let grads = candle_gradients(&[(&[z.len()], &z)], |v| {
        let target = tensor(&y, &v[0])?;
        let p = v[0].neg()?.exp()?.affine(1.0, 1.0)?.recip()?;
        let positive = (&target * p.log()?)?;
        let negative = (target.affine(-1.0, 1.0)? * p.affine(-1.0, 1.0)?.log()?)?;
        (positive + negative)?.mean_all()?.neg()
    })
    .unwrap();
    let error = max_relative_error(&analytic, &grads[0]);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn binary_logits_gradient_extreme_matches_candle() {
    // The stable form ℓ = max(z, 0) − zy + ln(1 + e^(−|z|)) stays finite at
    // z = ±1000. Its pieces relu and |z| have a kink at z = 0, where Candle
    // takes a one-sided derivative, so this case avoids z = 0.
    let y = [0.0, 1.0, 1.0, 1.0];
    let z = [1000.0, -1000.0, 1000.0, 2.5];
    let analytic = ch02::binary_cross_entropy_with_logits_gradient(&y, &z).unwrap();
    let grads = candle_gradients(&[(&[4], &z)], |v| {
        let target = tensor(&y, &v[0])?;
        let softplus_tail = v[0].abs()?.neg()?.exp()?.affine(1.0, 1.0)?.log()?;
        (v[0].relu()? - (&target * v[0].as_tensor())?)?.add(&softplus_tail)?.mean_all()
    })
    .unwrap();
    let error = max_relative_error(&analytic, &grads[0]);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}");
}

const BINARY_TARGET: [f64; 4] = [0.0, 1.0, 1.0, 0.3];
const BINARY_PREDICTION: [f64; 4] = [0.2, 0.8, 0.5, 0.9];

#[test]
fn binary_probability_gradient_central_differences() {
    let analytic = ch02::binary_cross_entropy_gradient(&BINARY_TARGET, &BINARY_PREDICTION).unwrap();
    let numeric = central_difference(
        |p| ch02::binary_cross_entropy(&BINARY_TARGET, p).unwrap(),
        &BINARY_PREDICTION,
        DEFAULT_STEP,
    );
    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FINITE_DIFFERENCE_TOLERANCE, "relative error {error:e}");
}

#[test]
fn binary_probability_gradient_matches_candle() {
    let analytic = ch02::binary_cross_entropy_gradient(&BINARY_TARGET, &BINARY_PREDICTION).unwrap();
    let grads = candle_gradients(&[(&[4], &BINARY_PREDICTION)], |v| {
        let target = tensor(&BINARY_TARGET, &v[0])?;
        let positive = (&target * v[0].log()?)?;
        let negative = (target.affine(-1.0, 1.0)? * v[0].affine(-1.0, 1.0)?.log()?)?;
        (positive + negative)?.mean_all()?.neg()
    })
    .unwrap();
    let error = max_relative_error(&analytic, &grads[0]);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}");
}

const CATEGORICAL_TARGET: [f64; 3] = [0.1, 0.6, 0.3];
const CATEGORICAL_PREDICTION: [f64; 3] = [0.2, 0.3, 0.5];

#[test]
fn categorical_probability_gradient_central_differences() {
    // A step of h moves the sum of p by h, and the prediction check accepts
    // sums within 1e-6 of 1, so the step here is 1e-7.
    let h = 1e-7;
    let analytic = ch02::categorical_cross_entropy_gradient(&CATEGORICAL_TARGET, &CATEGORICAL_PREDICTION).unwrap();
    let numeric = central_difference(
        |p| ch02::categorical_cross_entropy(&CATEGORICAL_TARGET, p).unwrap(),
        &CATEGORICAL_PREDICTION,
        h,
    );
    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FINITE_DIFFERENCE_TOLERANCE, "relative error {error:e}");
}

#[test]
fn categorical_probability_gradient_matches_candle() {
    let analytic = ch02::categorical_cross_entropy_gradient(&CATEGORICAL_TARGET, &CATEGORICAL_PREDICTION).unwrap();
    let grads = candle_gradients(&[(&[3], &CATEGORICAL_PREDICTION)], |v| {
        let target = tensor(&CATEGORICAL_TARGET, &v[0])?;
        (target * v[0].log()?)?.sum_all()?.neg()
    })
    .unwrap();
    let error = max_relative_error(&analytic, &grads[0]);
    assert!(error < AUTOGRAD_TOLERANCE, "relative error {error:e}");
}
