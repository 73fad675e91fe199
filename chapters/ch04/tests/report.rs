//! Pins every value `cargo run -p ch04` prints.

#[test]
fn report_snapshot() {
    insta::assert_snapshot!(ch04::report().unwrap());
}

#[test]
fn loss_decreases_after_step() {
    use ch04::layer::{Example, Loss};
    let example = Example::classic();
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let forward = example.layer.forward(&example.x).unwrap();
        let gradients = example.layer.backward(loss, &example.x, &example.t, &forward).unwrap();
        let before = example.layer.loss(loss, &example.x, &example.t).unwrap();
        let after = example.layer.step(&gradients, example.alpha).unwrap().loss(loss, &example.x, &example.t).unwrap();
        assert!(after < before, "{loss:?}: {after} is not below {before}");
    }
}

#[test]
fn second_output_gradient_by_convention() {
    use ch04::layer::{Example, Loss};
    let example = Example::classic();
    let forward = example.layer.forward(&example.x).unwrap();
    let ce = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, &forward).unwrap();
    let bce = example.layer.backward(Loss::BinaryCrossEntropy, &example.x, &example.t, &forward).unwrap();
    // With t₂ = 0 the cross-entropy does not depend on ŷ₂ at all: the page's
    // zero gradients ∂L/∂ŷ₂, δ₂, ∂L/∂w₂₁, ∂L/∂w₂₂ and ∂L/∂b₂ are exactly 0.
    assert_eq!(ce.dl_dy_hat[1], 0.0);
    assert_eq!(ce.delta[1], 0.0);
    assert_eq!((ce.dl_dw[(1, 0)], ce.dl_dw[(1, 1)]), (0.0, 0.0));
    assert_eq!(ce.dl_db[1], 0.0);
    assert_eq!(bce.delta[1], forward.y_hat[1]);
}
