//! Every derived gradient of the chapter, checked twice: by central differences
//! in f64 and by Candle's autograd in f64.

use candle_core::{Device, Tensor};
use ch03::bowl::{Bowl, ILL_CONDITIONED_BOWL, ROUND_BOWL};
use ch03::experiments::line_data;
use ch03::least_squares::{example_gradient, example_loss, full_batch_gradient, full_batch_loss};
use gradcheck::{candle_gradients, central_difference, max_relative_error, DEFAULT_STEP};

/// Points away from the minimum, so that no gradient entry is near zero and the
/// relative error stays meaningful.
const POINTS: [[f64; 2]; 3] = [[3.0, 5.0], [-0.7, 2.9], [1.3, -0.4]];

fn bowl_candle_gradient(bowl: &Bowl, theta: &[f64; 2]) -> Vec<f64> {
    let grads = candle_gradients(&[(&[2], theta)], |vars| {
        let minimum = Tensor::new(&bowl.minimum(), &Device::Cpu)?;
        let weights = Tensor::new(&bowl.weights(), &Device::Cpu)?;
        vars[0].as_tensor().sub(&minimum)?.sqr()?.mul(&weights)?.sum_all()
    })
    .unwrap();
    grads[0].clone()
}

#[test]
fn round_bowl_gradient_central_differences() {
    for theta in POINTS {
        let numeric = central_difference(|t| ROUND_BOWL.loss(&[t[0], t[1]]), &theta, DEFAULT_STEP);
        let error = max_relative_error(&ROUND_BOWL.gradient(&theta), &numeric);
        assert!(error < 1e-6, "θ = {theta:?}: relative error {error}");
    }
}

#[test]
fn ill_bowl_gradient_central_differences() {
    for theta in POINTS {
        let numeric = central_difference(|t| ILL_CONDITIONED_BOWL.loss(&[t[0], t[1]]), &theta, DEFAULT_STEP);
        let error = max_relative_error(&ILL_CONDITIONED_BOWL.gradient(&theta), &numeric);
        assert!(error < 1e-6, "θ = {theta:?}: relative error {error}");
    }
}

#[test]
fn bowl_gradients_match_candle() {
    for bowl in [ROUND_BOWL, ILL_CONDITIONED_BOWL] {
        for theta in POINTS {
            let error = max_relative_error(&bowl.gradient(&theta), &bowl_candle_gradient(&bowl, &theta));
            assert!(error < 1e-9, "{bowl:?} at θ = {theta:?}: relative error {error}");
        }
    }
}

#[test]
fn bowl_hessian_central_differences() {
    // Differencing the analytic gradient gives the Hessian's columns.
    for bowl in [ROUND_BOWL, ILL_CONDITIONED_BOWL] {
        let [l1, l2] = bowl.hessian_diagonal();
        let theta = POINTS[1];
        let column1 = central_difference(|t| bowl.gradient(&[t[0], t[1]])[0], &theta, DEFAULT_STEP);
        let column2 = central_difference(|t| bowl.gradient(&[t[0], t[1]])[1], &theta, DEFAULT_STEP);
        assert!((column1[0] - l1).abs() < 1e-6, "∂²L/∂θ₁² = {}", column1[0]);
        assert!(column1[1].abs() < 1e-6, "∂²L/∂θ₁∂θ₂ = {}", column1[1]);
        assert!(column2[0].abs() < 1e-6, "∂²L/∂θ₂∂θ₁ = {}", column2[0]);
        assert!((column2[1] - l2).abs() < 1e-6, "∂²L/∂θ₂² = {}", column2[1]);
    }
}

#[test]
fn example_gradient_central_differences() {
    let data = line_data(false, true).unwrap();
    for theta in POINTS {
        for (&x, &y) in data.x.iter().zip(&data.y) {
            let numeric = central_difference(|t| example_loss(&[t[0], t[1]], x, y).unwrap(), &theta, DEFAULT_STEP);
            let error = max_relative_error(&example_gradient(&theta, x, y).unwrap(), &numeric);
            assert!(error < 1e-6, "θ = {theta:?}, x = {x}: relative error {error}");
        }
    }
}

#[test]
fn example_gradient_matches_candle() {
    let data = line_data(true, true).unwrap();
    for theta in POINTS {
        for (&x, &y) in data.x.iter().zip(&data.y) {
            let grads = candle_gradients(&[(&[2], &theta)], |vars| {
                let features = Tensor::new(&[1.0, x], &Device::Cpu)?;
                vars[0].as_tensor().mul(&features)?.sum_all()?.affine(1.0, -y)?.sqr()
            })
            .unwrap();
            let error = max_relative_error(&example_gradient(&theta, x, y).unwrap(), &grads[0]);
            assert!(error < 1e-9, "θ = {theta:?}, x = {x}: relative error {error}");
        }
    }
}

#[test]
fn full_batch_gradient_central_differences() {
    for ill_conditioned in [false, true] {
        let data = line_data(ill_conditioned, true).unwrap();
        for theta in POINTS {
            let numeric = central_difference(|t| full_batch_loss(&[t[0], t[1]], &data).unwrap(), &theta, DEFAULT_STEP);
            let error = max_relative_error(&full_batch_gradient(&theta, &data).unwrap(), &numeric);
            assert!(error < 1e-6, "θ = {theta:?}: relative error {error}");
        }
    }
}

#[test]
fn full_batch_gradient_matches_candle() {
    for ill_conditioned in [false, true] {
        let data = line_data(ill_conditioned, true).unwrap();
        let n = data.len();
        let design: Vec<f64> = data.x.iter().flat_map(|&x| [1.0, x]).collect();
        for theta in POINTS {
            let grads = candle_gradients(&[(&[2, 1], &theta)], |vars| {
                let features = Tensor::from_vec(design.clone(), (n, 2), &Device::Cpu)?;
                let targets = Tensor::from_vec(data.y.clone(), (n, 1), &Device::Cpu)?;
                features.matmul(vars[0].as_tensor())?.sub(&targets)?.sqr()?.mean_all()
            })
            .unwrap();
            let error = max_relative_error(&full_batch_gradient(&theta, &data).unwrap(), &grads[0]);
            assert!(error < 1e-9, "θ = {theta:?}: relative error {error}");
        }
    }
}

#[test]
fn full_batch_gradient_equals_bowl_gradient() {
    // L(θ) = bowl(θ) + s², so both gradients agree everywhere.
    for (ill_conditioned, bowl) in [(false, ROUND_BOWL), (true, ILL_CONDITIONED_BOWL)] {
        let data = line_data(ill_conditioned, true).unwrap();
        for theta in POINTS {
            let error = max_relative_error(&full_batch_gradient(&theta, &data).unwrap(), &bowl.gradient(&theta));
            assert!(error < 1e-12, "θ = {theta:?}: relative error {error}");
        }
    }
}
