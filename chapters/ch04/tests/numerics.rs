//! Extreme inputs stay finite and wrong shapes are errors, never panics.

use ch04::layer::{self, Loss};
use nalgebra::{DMatrix, DVector};

#[test]
fn sigmoid_of_extremes() {
    assert_eq!(numfmt::num(ch04::sigmoid(-100.0)), "3.72008e-44");
    assert_eq!(ch04::sigmoid(1000.0), 1.0);
    assert_eq!(ch04::sigmoid(-1000.0), 0.0);
}

#[test]
fn sigmoid_prime_of_extremes() {
    for z in [-1000.0, -100.0, 100.0, 1000.0] {
        let d = ch04::sigmoid_prime(z);
        assert!(d.is_finite(), "σ'({z}) = {d}");
        assert!(d >= 0.0, "σ'({z}) = {d}");
    }
}

#[test]
fn losses_finite_at_extremes() {
    let t = DVector::from_vec(vec![1.0, 0.0]);
    for z in [[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]] {
        let z = DVector::from_row_slice(&z);
        for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
            let value = layer::loss_from_logits(loss, &t, &z).unwrap();
            assert!(value.is_finite(), "{loss:?} at {z:?} is {value}");
        }
    }
}

#[test]
fn deltas_finite_at_extremes() {
    let example = layer::Example::classic();
    let big = layer::Layer {
        w: DMatrix::from_row_slice(2, 2, &[-500.0, -500.0, 500.0, 500.0]),
        b: DVector::from_vec(vec![0.0, 0.0]),
    };
    let forward = big.forward(&example.x).unwrap();
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let gradients = big.backward(loss, &example.x, &example.t, &forward).unwrap();
        assert!(gradients.delta.iter().all(|d| d.is_finite()), "{loss:?}: {:?}", gradients.delta);
    }
}

#[test]
fn network_loss_finite_at_extremes() {
    let mut example = ch04::network::Example::hidden_layer();
    example.network.b2 = DVector::from_vec(vec![-1000.0, 1000.0]);
    let forward = example.network.forward(&example.x, &example.t).unwrap();
    assert!(forward.loss.is_finite(), "{}", forward.loss);
}

#[test]
fn three_inputs_for_two_columns_rejected() {
    let example = layer::Example::classic();
    let x = DVector::from_vec(vec![1.0, 2.0, 3.0]);
    let err = example.layer.forward(&x).unwrap_err();
    assert!(matches!(err, ch04::Error::Shape { name: "the input", .. }), "{err}");
}

#[test]
fn bias_length_mismatch_rejected() {
    let mut example = layer::Example::classic();
    example.layer.b = DVector::from_vec(vec![0.1, 0.1, 0.1]);
    let err = example.layer.forward(&example.x).unwrap_err();
    assert!(err.to_string().contains("b has shape (3)"), "{err}");
}

#[test]
fn target_length_mismatch_rejected() {
    let example = ch04::network::Example::hidden_layer();
    let t = DVector::from_vec(vec![1.0, 0.0, 0.0]);
    assert!(example.network.forward(&example.x, &t).is_err());
}

#[test]
fn layer_backward_rejects_forward_of_other_layer() {
    // A forward pass with three outputs, passed to the backward pass of a
    // two-output layer.
    let example = layer::Example::classic();
    let forward =
        layer::Forward { z: DVector::from_vec(vec![1.2, 1.3, 0.0]), y_hat: DVector::from_vec(vec![0.7, 0.8, 0.5]) };
    let err = example.layer.backward(Loss::CrossEntropy, &example.x, &example.t, &forward).unwrap_err();
    assert!(err.to_string().contains("z has shape (3) but (2) is needed"), "{err}");
}

#[test]
fn layer_backward_rejects_short_y_hat() {
    let example = layer::Example::classic();
    let mut forward = example.layer.forward(&example.x).unwrap();
    forward.y_hat = DVector::from_vec(vec![0.7]);
    let err = example.layer.backward(Loss::BinaryCrossEntropy, &example.x, &example.t, &forward).unwrap_err();
    assert!(err.to_string().contains("ŷ has shape (1) but (2) is needed"), "{err}");
}

#[test]
fn output_gradients_reject_length_mismatch() {
    let t = DVector::from_vec(vec![1.0, 0.0]);
    let y_hat = DVector::from_vec(vec![0.2, 0.3, 0.5]);
    for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
        let err = layer::loss_gradient(loss, &t, &y_hat).unwrap_err();
        assert!(err.to_string().contains("t has shape (2) but (3) is needed"), "{loss:?}: {err}");
        let err = layer::output_delta(loss, &t, &y_hat).unwrap_err();
        assert!(err.to_string().contains("t has shape (2) but (3) is needed"), "{loss:?}: {err}");
    }
}

#[test]
fn chain_rule_delta_rejects_mismatched_forward() {
    let example = layer::Example::classic();
    let forward = layer::Forward { z: DVector::from_vec(vec![1.2, 1.3]), y_hat: DVector::from_vec(vec![0.7]) };
    let err = layer::chain_rule_delta(Loss::CrossEntropy, &example.t, &forward).unwrap_err();
    assert!(matches!(err, ch04::Error::Shape { name: "ŷ", .. }), "{err}");
}

#[test]
fn network_backward_rejects_forward_of_other_network() {
    // The forward pass of a network with three hidden units: W⁽²⁾ᵀδ⁽²⁾ would
    // have two entries but σ'(z⁽¹⁾) three.
    let example = ch04::network::Example::hidden_layer();
    let mut forward = example.network.forward(&example.x, &example.t).unwrap();
    forward.z1 = DVector::from_vec(vec![1.2, 1.3, 0.4]);
    let err = example.network.backward(&example.x, &example.t, &forward).unwrap_err();
    assert!(err.to_string().contains("z⁽¹⁾ has shape (3) but (2) is needed"), "{err}");
}

#[test]
fn network_backward_rejects_three_outputs() {
    let example = ch04::network::Example::hidden_layer();
    let mut forward = example.network.forward(&example.x, &example.t).unwrap();
    forward.y_hat = DVector::from_vec(vec![0.2, 0.3, 0.5]);
    let t = DVector::from_vec(vec![1.0, 0.0, 0.0]);
    let err = example.network.backward(&example.x, &t, &forward).unwrap_err();
    assert!(err.to_string().contains("ŷ has shape (3) but (2) is needed"), "{err}");
}

#[test]
fn network_backward_rejects_hidden_size_mismatch() {
    // W⁽²⁾ with three columns cannot take the two hidden activations.
    let example = ch04::network::Example::hidden_layer();
    let forward = example.network.forward(&example.x, &example.t).unwrap();
    let mut network = example.network.clone();
    network.w2 = DMatrix::zeros(2, 3);
    let err = network.backward(&example.x, &example.t, &forward).unwrap_err();
    assert!(matches!(err, ch04::Error::Shape { name: "the input", .. }), "{err}");
}

#[test]
fn from_flat_rejects_short_vector() {
    let network = ch04::network::Example::hidden_layer().network;
    let err = network.from_flat(&[0.0; 5]).unwrap_err();
    assert!(matches!(err, ch04::Error::Shape { name: "the flat parameter vector", .. }), "{err}");
}

#[test]
fn step_vector_rejects_long_gradient() {
    let b = DVector::from_vec(vec![0.1, 0.1]);
    let gradient = DVector::from_vec(vec![1.0, 2.0, 3.0]);
    let err = ch04::step_vector(&b, &gradient, 0.1).unwrap_err();
    assert!(err.to_string().contains("2 parameters θ but 3 gradient entries"), "{err}");
}
