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
        assert!(d.is_finite() && d >= 0.0, "σ'({z}) = {d}");
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
