//! Tests that the circulated figures differ from the correct ones as the page explains.

use ch04::circulated;
use ch04::layer::{Example, Loss};
use numfmt::num;

#[test]
fn circulated_z2_is_wrong() {
    let example = Example::classic();
    let forward = example.layer.forward(&example.x).unwrap();
    assert_eq!(num(forward.z[1]), "1.3");
    assert_ne!(num(forward.z[1]), num(circulated::Z2));
}

#[test]
fn circulated_sigmoid_is_wrong() {
    assert_eq!(num(ch04::sigmoid(1.2)), "0.768525");
    assert!((ch04::sigmoid(1.2) - circulated::SIGMOID_OF_Z1).abs() > 0.1);
    // 0.878 is the sigmoid of a quite different pre-activation.
    assert_eq!(num(ch04::sigmoid(circulated::logit(circulated::SIGMOID_OF_Z1))), "0.878");
}

#[test]
fn circulated_loss_is_wrong() {
    let example = Example::classic();
    let loss = example.layer.loss(Loss::CrossEntropy, &example.x, &example.t).unwrap();
    assert_ne!(num(loss), num(circulated::LOSS));
    // Not even the loss of its own output.
    assert_ne!(num(circulated::loss_from_circulated_output()), num(circulated::LOSS));
}

#[test]
fn circulated_gradient_formula_is_wrong() {
    let example = Example::classic();
    let forward = example.layer.forward(&example.x).unwrap();
    let gradients = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, &forward).unwrap();
    let circulated = circulated::circulated_output_gradient(forward.y_hat[0]);
    assert!((circulated - gradients.delta[0]).abs() > 0.05);
    // It equals −σ'(z₁): the loss factor ∂L/∂ŷ₁ is missing.
    assert!((circulated + ch04::sigmoid_prime(forward.z[0])).abs() < 1e-15);
}

#[test]
fn circulated_update_is_wrong() {
    let example = Example::classic();
    let w11 = example.layer.w[(0, 0)];
    assert_eq!(num(circulated::step_with_circulated_gradient(w11, example.alpha)), "0.5122");
    assert_ne!(num(circulated::step_with_circulated_gradient(w11, example.alpha)), num(circulated::W11_AFTER_STEP));
}
