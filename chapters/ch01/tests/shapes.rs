//! Inputs that a loss must reject: mismatched shapes, mismatched lengths and
//! empty vectors. Each returns an error instead of a broadcast value or NaN.

use candle_core::{Device, Tensor};
use ch01::regression::{self, X, Y};
use ch01::{
    broadcast_mse_mistake, gaussian_nll_variance_derivative, gradient_descent_step, max_likelihood_variance, mse,
    mse_gradient, mse_of_arrays, residuals, ArrayView, Error, Shape,
};
use nalgebra::DMatrix;

const VALUES: [f64; 3] = [1.0, 2.0, 3.0];

#[test]
fn column_prediction_against_vector_rejected() {
    let y_hat = ArrayView { shape: &[3, 1], values: &VALUES };
    let y = ArrayView { shape: &[3], values: &VALUES };

    let err = mse_of_arrays(y_hat, y).unwrap_err();

    assert!(
        matches!(&err, Error::ShapeMismatch { prediction, target, .. }
            if *prediction == Shape(vec![3, 1]) && *target == Shape(vec![3])),
        "{err}"
    );
    assert!(err.to_string().contains("reshape ŷ to (3,)"), "{err}");
}

#[test]
fn matching_shapes_give_zero_loss() {
    let y = ArrayView { shape: &[3], values: &VALUES };

    assert_eq!(mse_of_arrays(y, y).unwrap(), 0.0);
}

#[test]
fn broadcast_mistake_matches_candle() {
    // Candle broadcasts (3, 1) − (3,) to (3, 3), as NumPy and PyTorch do.
    let device = Device::Cpu;
    let column = Tensor::from_slice(&VALUES, (3, 1), &device).unwrap();
    let row = Tensor::from_slice(&VALUES, 3, &device).unwrap();
    let difference = column.broadcast_sub(&row).unwrap();
    let candle_loss = difference.sqr().unwrap().mean_all().unwrap().to_scalar::<f64>().unwrap();

    let mistake = broadcast_mse_mistake(&VALUES, &VALUES).unwrap();

    assert_eq!(difference.dims(), &[3, 3]);
    assert!((mistake - candle_loss).abs() < 1e-15, "{mistake} vs {candle_loss}");
    assert_eq!(numfmt::num(mistake), "1.33333");
}

#[test]
fn four_targets_three_predictions_rejected() {
    let four_targets = [1.0, 2.0, 3.0, 4.0];

    let err = mse(&VALUES, &four_targets).unwrap_err();

    assert_eq!(err, Error::LengthMismatch { left_name: "prediction ŷ", left: 3, right_name: "target y", right: 4 });
}

#[test]
fn gradient_rejects_length_mismatch() {
    let err = mse_gradient(&VALUES, &[1.0, 2.0, 3.0, 4.0]).unwrap_err();

    assert!(matches!(err, Error::LengthMismatch { left: 3, right: 4, .. }), "{err}");
}

#[test]
fn four_targets_as_arrays_rejected() {
    let four_targets = [1.0, 2.0, 3.0, 4.0];
    let y_hat = ArrayView { shape: &[3], values: &VALUES };
    let y = ArrayView { shape: &[4], values: &four_targets };

    let err = mse_of_arrays(y_hat, y).unwrap_err();

    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
    assert!(err.to_string().ends_with("pass one prediction per target"), "{err}");
}

#[test]
fn empty_input_rejected_not_nan() {
    assert_eq!(mse(&[], &[]).unwrap_err(), Error::Empty { name: "target y" });
    assert_eq!(mse_gradient(&[], &[]).unwrap_err(), Error::Empty { name: "target y" });
    assert_eq!(residuals(&[], &[]).unwrap_err(), Error::Empty { name: "target y" });
}

#[test]
fn empty_arrays_rejected_not_nan() {
    let empty = ArrayView { shape: &[0], values: &[] };

    assert_eq!(mse_of_arrays(empty, empty).unwrap_err(), Error::Empty { name: "target y" });
}

#[test]
fn shape_not_matching_values_rejected() {
    let y_hat = ArrayView { shape: &[2, 2], values: &VALUES };
    let y = ArrayView { shape: &[3], values: &VALUES };

    let err = mse_of_arrays(y_hat, y).unwrap_err();

    assert!(matches!(err, Error::ShapeSize { expected: 4, actual: 3, .. }), "{err}");
}

#[test]
fn matrix_gradient_rejects_short_targets() {
    let design = regression::design_matrix(&X);

    let err = regression::matrix_gradient(&design, [1.0, 0.5], &Y[..4]).unwrap_err();

    assert_eq!(err, Error::DesignShape { rows: 5, columns: 2, parameters: 2, targets: 4 });
    assert!(err.to_string().contains("design matrix X has shape (5, 2)"), "{err}");
}

#[test]
fn matrix_gradient_rejects_three_columns() {
    let design = DMatrix::from_element(5, 3, 1.0);

    let err = regression::matrix_gradient(&design, [1.0, 0.5], &Y).unwrap_err();

    assert_eq!(err, Error::DesignShape { rows: 5, columns: 3, parameters: 2, targets: 5 });
}

#[test]
fn matrix_gradient_rejects_empty_input() {
    let design = regression::design_matrix(&[]);

    let err = regression::matrix_gradient(&design, [1.0, 0.5], &[]).unwrap_err();

    assert_eq!(err, Error::Empty { name: "target y" });
}

#[test]
fn hessian_rejects_empty_input() {
    assert_eq!(regression::hessian(&[]).unwrap_err(), Error::Empty { name: "input x" });
    assert_eq!(regression::hessian_eigenvalues(&[]).unwrap_err(), Error::Empty { name: "input x" });
    assert_eq!(regression::stability_bound(&[]).unwrap_err(), Error::Empty { name: "input x" });
}

#[test]
fn step_rejects_gradient_of_other_length() {
    let err = gradient_descent_step(&[0.0, 0.0], &[1.0, 2.0, 3.0], 0.1).unwrap_err();

    assert_eq!(err, Error::GradientLength { parameters: 2, gradient: 3 });
}

#[test]
fn noise_variance_rejects_length_mismatch() {
    let four_targets = [1.0, 2.0, 3.0, 4.0];

    let err = max_likelihood_variance(&VALUES, &four_targets).unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { left: 3, right: 4, .. }), "{err}");

    let err = gaussian_nll_variance_derivative(&VALUES, &four_targets, 1.0).unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { left: 3, right: 4, .. }), "{err}");
}

#[test]
fn noise_variance_rejects_empty_input() {
    assert_eq!(max_likelihood_variance(&[], &[]).unwrap_err(), Error::Empty { name: "target y" });
    assert_eq!(gaussian_nll_variance_derivative(&[], &[], 1.0).unwrap_err(), Error::Empty { name: "target y" });
}
