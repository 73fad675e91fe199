//! Every gradient of both examples, checked twice: against central finite
//! differences in f64 and against Candle's autograd.

use candle_core::{Device, Tensor, Var};
use ch04::layer::{self, Loss};
use ch04::network;
use gradcheck::{candle_gradients, central_difference, max_abs_difference, max_relative_error, DEFAULT_STEP};
use nalgebra::{DMatrix, DVector};

const FD_TOLERANCE: f64 = 1e-6;
const AUTOGRAD_TOLERANCE: f64 = 1e-9;

/// Row-major values of a matrix, the order Candle uses.
fn row_major(m: &DMatrix<f64>) -> Vec<f64> {
    m.transpose().iter().copied().collect()
}

fn column(values: &DVector<f64>) -> Tensor {
    Tensor::from_slice(values.as_slice(), (values.len(), 1), &Device::Cpu).unwrap()
}

/// σ(z) built from differentiable Candle operations.
fn candle_sigmoid(z: &Tensor) -> candle_core::Result<Tensor> {
    (z.neg()?.exp()? + 1.0)?.recip()
}

/// Softmax over a column built from differentiable Candle operations.
/// `candle_nn::ops::softmax_last_dim` has no backward pass, so it cannot be
/// used here.
fn candle_softmax(z: &Tensor) -> candle_core::Result<Tensor> {
    let shifted = z.broadcast_sub(&z.max_keepdim(0)?.detach())?;
    let exp = shifted.exp()?;
    exp.broadcast_div(&exp.sum_keepdim(0)?)
}

fn layer_parts(example: &layer::Example, loss: Loss) -> (Vec<f64>, Vec<f64>) {
    let forward = example.layer.forward(&example.x).unwrap();
    let gradients = example.layer.backward(loss, &example.x, &example.t, &forward).unwrap();
    let mut theta = row_major(&example.layer.w);
    theta.extend(example.layer.b.iter());
    let mut analytic = row_major(&gradients.dl_dw);
    analytic.extend(gradients.dl_db.iter());
    (theta, analytic)
}

fn layer_loss_of(example: &layer::Example, loss: Loss, theta: &[f64]) -> f64 {
    let candidate =
        layer::Layer { w: DMatrix::from_row_slice(2, 2, &theta[..4]), b: DVector::from_row_slice(&theta[4..]) };
    candidate.loss(loss, &example.x, &example.t).unwrap()
}

#[test]
fn layer_gradients_match_finite_differences() {
    let example = layer::Example::classic();
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let (theta, analytic) = layer_parts(&example, loss);
        let numeric = central_difference(|t| layer_loss_of(&example, loss, t), &theta, DEFAULT_STEP);
        let error = max_relative_error(&analytic, &numeric);
        assert!(error < FD_TOLERANCE, "{loss:?}: relative error {error:e}");
    }
}

#[test]
fn layer_gradients_match_candle() {
    let example = layer::Example::classic();
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let (theta, analytic) = layer_parts(&example, loss);
        let x = column(&example.x);
        let t = column(&example.t);
        let grads = candle_gradients(&[(&[2, 2], &theta[..4]), (&[2, 1], &theta[4..])], |v| {
            let y_hat = candle_sigmoid(&v[0].matmul(&x)?.add(&v[1])?)?;
            let positive = (&t * y_hat.log()?)?;
            match loss {
                Loss::CrossEntropy => positive.sum_all()?.neg(),
                Loss::BinaryCrossEntropy => {
                    let negative = ((1.0 - &t)? * (1.0 - &y_hat)?.log()?)?;
                    (positive + negative)?.sum_all()?.neg()
                }
            }
        })
        .unwrap();
        let candle: Vec<f64> = grads.concat();
        let difference = max_abs_difference(&analytic, &candle);
        assert!(difference < AUTOGRAD_TOLERANCE, "{loss:?}: difference {difference:e}");
    }
}

fn network_parts(example: &network::Example) -> (Vec<f64>, Vec<f64>) {
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t).unwrap();
    let gradients = net.backward(&example.x, &example.t, &forward).unwrap();
    (net.to_flat(), gradients.to_flat())
}

#[test]
fn network_gradients_match_finite_differences() {
    let example = network::Example::hidden_layer();
    let (theta, analytic) = network_parts(&example);
    let loss = |t: &[f64]| example.network.from_flat(t).unwrap().forward(&example.x, &example.t).unwrap().loss;
    let numeric = central_difference(loss, &theta, DEFAULT_STEP);
    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn network_gradients_match_candle() {
    let example = network::Example::hidden_layer();
    let (theta, analytic) = network_parts(&example);
    let x = column(&example.x);
    let t = column(&example.t);
    let shapes: [&[usize]; 4] = [&[2, 2], &[2, 1], &[2, 2], &[2, 1]];
    let mut parts = Vec::new();
    let mut offset = 0;
    for shape in shapes {
        let count: usize = shape.iter().product();
        parts.push((shape, &theta[offset..offset + count]));
        offset += count;
    }
    let grads = candle_gradients(&parts, |v| {
        let h = candle_sigmoid(&v[0].matmul(&x)?.add(&v[1])?)?;
        let y_hat = candle_softmax(&v[2].matmul(&h)?.add(&v[3])?)?;
        (&t * y_hat.log()?)?.sum_all()?.neg()
    })
    .unwrap();
    let candle: Vec<f64> = grads.concat();
    let difference = max_abs_difference(&analytic, &candle);
    assert!(difference < AUTOGRAD_TOLERANCE, "difference {difference:e}");
}

/// Computes L as a function of the layer's outputs ŷ, in plain f64 from the page's formulas.
fn layer_loss_of_output(loss: Loss, t: &DVector<f64>, y_hat: &[f64]) -> f64 {
    t.iter()
        .zip(y_hat)
        .map(|(&ti, &yi)| match loss {
            Loss::CrossEntropy => -ti * yi.ln(),
            Loss::BinaryCrossEntropy => -(ti * yi.ln() + (1.0 - ti) * (1.0 - yi).ln()),
        })
        .sum()
}

#[test]
fn layer_output_gradient_matches_finite_differences() {
    // ∂L/∂ŷ directly, including the printed 4.6693 of the second output under
    // the binary cross-entropy and the 0 under the cross-entropy.
    let example = layer::Example::classic();
    let forward = example.layer.forward(&example.x).unwrap();
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let analytic = layer::loss_gradient(loss, &example.t, &forward.y_hat).unwrap();
        let numeric =
            central_difference(|y| layer_loss_of_output(loss, &example.t, y), forward.y_hat.as_slice(), DEFAULT_STEP);
        let error = max_relative_error(analytic.as_slice(), &numeric);
        assert!(error < FD_TOLERANCE, "{loss:?}: relative error {error:e}");
    }
}

#[test]
fn layer_output_gradient_matches_candle() {
    let example = layer::Example::classic();
    let forward = example.layer.forward(&example.x).unwrap();
    let t = column(&example.t);
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let analytic = layer::loss_gradient(loss, &example.t, &forward.y_hat).unwrap();
        let grads = candle_gradients(&[(&[2, 1], forward.y_hat.as_slice())], |v| {
            let y_hat = v[0].as_tensor();
            let positive = (&t * y_hat.log()?)?;
            match loss {
                Loss::CrossEntropy => positive.sum_all()?.neg(),
                Loss::BinaryCrossEntropy => {
                    let negative = ((1.0 - &t)? * (1.0 - y_hat)?.log()?)?;
                    (positive + negative)?.sum_all()?.neg()
                }
            }
        })
        .unwrap();
        let difference = max_abs_difference(analytic.as_slice(), &grads[0]);
        assert!(difference < AUTOGRAD_TOLERANCE, "{loss:?}: difference {difference:e}");
    }
}

#[test]
fn network_output_gradient_matches_finite_differences() {
    let example = network::Example::hidden_layer();
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t).unwrap();
    let analytic = net.backward(&example.x, &example.t, &forward).unwrap().dl_dy_hat;
    let loss = |y: &[f64]| layer_loss_of_output(Loss::CrossEntropy, &example.t, y);
    let numeric = central_difference(loss, forward.y_hat.as_slice(), DEFAULT_STEP);
    let error = max_relative_error(analytic.as_slice(), &numeric);
    assert!(error < FD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn network_output_gradient_matches_candle() {
    let example = network::Example::hidden_layer();
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t).unwrap();
    let analytic = net.backward(&example.x, &example.t, &forward).unwrap().dl_dy_hat;
    let t = column(&example.t);
    let grads =
        candle_gradients(&[(&[2, 1], forward.y_hat.as_slice())], |v| (&t * v[0].log()?)?.sum_all()?.neg()).unwrap();
    let difference = max_abs_difference(analytic.as_slice(), &grads[0]);
    assert!(difference < AUTOGRAD_TOLERANCE, "difference {difference:e}");
}

/// Computes L as a function of the hidden activations h: the output layer of the
/// network and its cross-entropy, with chapter 2's log-softmax.
fn network_loss_of_hidden(example: &network::Example, h: &[f64]) -> f64 {
    let net = &example.network;
    let z2 = ch04::pre_activation(&net.w2, &net.b2, &DVector::from_row_slice(h)).unwrap();
    let log_y_hat = ch02::log_softmax(z2.as_slice()).unwrap();
    ch02::cross_entropy(example.t.as_slice(), &log_y_hat).unwrap()
}

#[test]
fn hidden_gradient_matches_finite_differences() {
    // ∂L/∂h = W⁽²⁾ᵀ δ⁽²⁾ directly, not only through δ⁽¹⁾.
    let example = network::Example::hidden_layer();
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t).unwrap();
    let analytic = net.backward(&example.x, &example.t, &forward).unwrap().dl_dh;
    let numeric = central_difference(|h| network_loss_of_hidden(&example, h), forward.h.as_slice(), DEFAULT_STEP);
    let error = max_relative_error(analytic.as_slice(), &numeric);
    assert!(error < FD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn hidden_gradient_matches_candle() {
    let example = network::Example::hidden_layer();
    let net = &example.network;
    let forward = net.forward(&example.x, &example.t).unwrap();
    let analytic = net.backward(&example.x, &example.t, &forward).unwrap().dl_dh;
    let w2 = Tensor::from_slice(&row_major(&net.w2), (2, 2), &Device::Cpu).unwrap();
    let b2 = column(&net.b2);
    let t = column(&example.t);
    let grads = candle_gradients(&[(&[2, 1], forward.h.as_slice())], |v| {
        let y_hat = candle_softmax(&w2.matmul(v[0].as_tensor())?.add(&b2)?)?;
        (&t * y_hat.log()?)?.sum_all()?.neg()
    })
    .unwrap();
    let difference = max_abs_difference(analytic.as_slice(), &grads[0]);
    assert!(difference < AUTOGRAD_TOLERANCE, "difference {difference:e}");
}

/// The pre-activations whose σ' the page prints, and two more on either side.
const SIGMOID_POINTS: [f64; 4] = [1.2, 1.3, -3.0, 0.5];

#[test]
fn sigmoid_prime_matches_finite_differences() {
    let analytic: Vec<f64> = SIGMOID_POINTS.iter().map(|&z| ch04::sigmoid_prime(z)).collect();
    let numeric: Vec<f64> =
        SIGMOID_POINTS.iter().map(|&z| central_difference(|v| ch04::sigmoid(v[0]), &[z], DEFAULT_STEP)[0]).collect();
    let error = max_relative_error(&analytic, &numeric);
    assert!(error < FD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn sigmoid_prime_matches_candle() {
    let analytic: Vec<f64> = SIGMOID_POINTS.iter().map(|&z| ch04::sigmoid_prime(z)).collect();
    let grads = candle_gradients(&[(&[4], &SIGMOID_POINTS)], |v| candle_sigmoid(v[0].as_tensor())?.sum_all()).unwrap();
    let difference = max_abs_difference(&analytic, &grads[0]);
    assert!(difference < AUTOGRAD_TOLERANCE, "difference {difference:e}");
}

#[test]
fn softmax_backward_matches_finite_differences() {
    let z = [1.0, 2.0, 3.0];
    let upstream = [1.0, 0.0, 0.0];
    let s = ch02::softmax(&z).unwrap();
    let ours = ch02::softmax_backward(&s, &upstream).unwrap();
    let weighted = |z: &[f64]| ch02::softmax(z).unwrap().iter().zip(upstream).map(|(si, gi)| si * gi).sum::<f64>();
    let numeric = central_difference(weighted, &z, DEFAULT_STEP);
    let error = max_relative_error(&ours, &numeric);
    assert!(error < FD_TOLERANCE, "relative error {error:e}");
}

#[test]
fn softmax_backward_matches_candle() {
    let z = [1.0, 2.0, 3.0];
    let upstream = [1.0, 0.0, 0.0];
    let s = ch02::softmax(&z).unwrap();
    let ours = ch02::softmax_backward(&s, &upstream).unwrap();
    let g = Tensor::from_slice(&upstream, (3, 1), &Device::Cpu).unwrap();
    let grads = candle_gradients(&[(&[3, 1], &z)], |v| (candle_softmax(&v[0])? * &g)?.sum_all()).unwrap();
    assert!(max_abs_difference(&ours, &grads[0]) < AUTOGRAD_TOLERANCE);
}

#[test]
fn softmax_diagonal_shortcut_is_wrong() {
    let z = [1.0, 2.0, 3.0];
    let upstream = [1.0, 0.0, 0.0];
    let s = ch02::softmax(&z).unwrap();
    let full = ch02::softmax_backward(&s, &upstream).unwrap();
    let diagonal: Vec<f64> = s.iter().zip(upstream).map(|(si, gi)| si * (1.0 - si) * gi).collect();
    assert_eq!(numfmt::vector(&full), "[0.0819251, -0.022033, -0.059892]");
    assert!(max_abs_difference(&full, &diagonal) > 0.05);
}

#[test]
fn every_parameter_receives_gradient() {
    let example = network::Example::hidden_layer();
    let theta = example.network.to_flat();
    let x = column(&example.x);
    let t = column(&example.t);
    let vars: Vec<Var> = [(0, 4, (2, 2)), (4, 6, (2, 1)), (6, 10, (2, 2)), (10, 12, (2, 1))]
        .iter()
        .map(|&(a, b, shape)| Var::from_slice(&theta[a..b], shape, &Device::Cpu).unwrap())
        .collect();
    let h = candle_sigmoid(&vars[0].matmul(&x).unwrap().add(&vars[1]).unwrap()).unwrap();
    let y_hat = candle_softmax(&vars[2].matmul(&h).unwrap().add(&vars[3]).unwrap()).unwrap();
    let loss = (&t * y_hat.log().unwrap()).unwrap().sum_all().unwrap().neg().unwrap();
    let grads = loss.backward().unwrap();
    for (index, var) in vars.iter().enumerate() {
        assert!(grads.get(var.as_tensor()).is_some(), "parameter {index} has no gradient");
    }
}

#[test]
fn fused_softmax_loses_gradients() {
    // candle_nn's fused softmax has no backward pass: the weights before it
    // either get no gradient or backward fails. Either way it cannot be used
    // for training here.
    let w = Var::from_slice(&[0.4, -0.3, 0.1, 0.6], (1, 2, 2), &Device::Cpu).unwrap();
    let h = Tensor::from_slice(&[0.5, 0.7], (1, 2, 1), &Device::Cpu).unwrap();
    let z = w.matmul(&h).unwrap().squeeze(2).unwrap();
    let y_hat = candle_nn::ops::softmax_last_dim(&z).unwrap();
    let loss = y_hat.narrow(1, 0, 1).unwrap().log().unwrap().sum_all().unwrap().neg().unwrap();
    match loss.backward() {
        Ok(grads) => assert!(grads.get(w.as_tensor()).is_none(), "the fused softmax now has a backward pass"),
        Err(err) => assert!(err.to_string().to_lowercase().contains("backward"), "{err}"),
    }
}
