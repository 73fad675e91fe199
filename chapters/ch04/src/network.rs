//! The second worked example: a network with a real hidden layer.
//!
//! x (2) → z⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾ (2) → h = σ(z⁽¹⁾) (2)
//!       → z⁽²⁾ = W⁽²⁾h + b⁽²⁾ (2) → ŷ = softmax(z⁽²⁾) (2),
//! with the cross-entropy L = −Σᵢ tᵢ ln ŷᵢ. The backward pass carries
//! δ⁽²⁾ = ∂L/∂z⁽²⁾ back to δ⁽¹⁾ = ∂L/∂z⁽¹⁾ through W⁽²⁾ and σ'.

use nalgebra::{DMatrix, DVector};

use crate::layer::{loss_gradient, Loss};
use crate::{
    check_layer_shapes, check_length, check_target, pre_activation, sigmoid, sigmoid_prime, weight_gradient, Error,
    Result,
};

/// Parameters: W⁽¹⁾ is k×n and b⁽¹⁾ has k entries for k hidden units, W⁽²⁾
/// is m×k and b⁽²⁾ has m entries for m outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub w1: DMatrix<f64>,
    pub b1: DVector<f64>,
    pub w2: DMatrix<f64>,
    pub b2: DVector<f64>,
}

/// Values of the forward pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    pub z1: DVector<f64>,
    pub h: DVector<f64>,
    pub z2: DVector<f64>,
    pub y_hat: DVector<f64>,
    pub loss: f64,
}

/// Gradients of the loss, in the order the backward pass computes them.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// ∂L/∂ŷ = −t ⊘ ŷ.
    pub dl_dy_hat: DVector<f64>,
    /// δ⁽²⁾ = ∂L/∂z⁽²⁾, the softmax Jacobian applied to ∂L/∂ŷ.
    pub delta2: DVector<f64>,
    /// ∂L/∂W⁽²⁾ = δ⁽²⁾ hᵀ.
    pub dl_dw2: DMatrix<f64>,
    /// ∂L/∂b⁽²⁾ = δ⁽²⁾.
    pub dl_db2: DVector<f64>,
    /// ∂L/∂h = W⁽²⁾ᵀ δ⁽²⁾.
    pub dl_dh: DVector<f64>,
    /// δ⁽¹⁾ = ∂L/∂z⁽¹⁾ = ∂L/∂h ⊙ σ'(z⁽¹⁾).
    pub delta1: DVector<f64>,
    /// ∂L/∂W⁽¹⁾ = δ⁽¹⁾ xᵀ.
    pub dl_dw1: DMatrix<f64>,
    /// ∂L/∂b⁽¹⁾ = δ⁽¹⁾.
    pub dl_db1: DVector<f64>,
}

impl Network {
    // ANCHOR: forward
    /// Runs the forward pass and the loss for input `x` and target `t`.
    pub fn forward(&self, x: &DVector<f64>, t: &DVector<f64>) -> Result<Forward> {
        let z1 = pre_activation(&self.w1, &self.b1, x)?;
        let h = z1.map(sigmoid);

        let z2 = pre_activation(&self.w2, &self.b2, &h)?;
        check_target(t, z2.len())?;
        let y_hat = DVector::from_vec(ch02::softmax(z2.as_slice())?);

        // The loss comes from log-softmax of the logits, never from ln ŷ,
        // so it stays finite where ŷᵢ rounds to 0.
        let log_y_hat = ch02::log_softmax(z2.as_slice())?;
        let loss = ch02::cross_entropy(t.as_slice(), &log_y_hat)?;

        Ok(Forward { z1, h, z2, y_hat, loss })
    }
    // ANCHOR_END: forward

    // ANCHOR: backward
    /// Runs the backward pass for input `x`, target `t` and the values of
    /// its forward pass.
    pub fn backward(&self, x: &DVector<f64>, t: &DVector<f64>, forward: &Forward) -> Result<Gradients> {
        self.check_shapes(x, forward)?;
        check_target(t, forward.y_hat.len())?;

        // Output layer: through the loss, then through the softmax Jacobian.
        let dl_dy_hat = loss_gradient(Loss::CrossEntropy, t, &forward.y_hat)?;
        let delta2 = DVector::from_vec(ch02::softmax_backward(forward.y_hat.as_slice(), dl_dy_hat.as_slice())?);
        let dl_dw2 = weight_gradient(&delta2, &forward.h);
        let dl_db2 = delta2.clone();

        // Hidden layer: back through W⁽²⁾, then through the sigmoid.
        let dl_dh = self.w2.transpose() * &delta2;
        let delta1 = dl_dh.component_mul(&forward.z1.map(sigmoid_prime));
        let dl_dw1 = weight_gradient(&delta1, x);
        let dl_db1 = delta1.clone();

        Ok(Gradients { dl_dy_hat, delta2, dl_dw2, dl_db2, dl_dh, delta1, dl_dw1, dl_db1 })
    }
    // ANCHOR_END: backward

    /// Checks that the layers fit together, that x fits W⁽¹⁾, and that the forward
    /// pass has the shapes this network produces: z⁽¹⁾ and h with one entry per
    /// hidden unit, z⁽²⁾ and ŷ with one per output.
    fn check_shapes(&self, x: &DVector<f64>, forward: &Forward) -> Result<()> {
        check_layer_shapes(&self.w1, &self.b1, x)?;
        check_layer_shapes(&self.w2, &self.b2, &forward.h)?;
        let (hidden, outputs) = (self.w1.nrows(), self.w2.nrows());
        let hint = "pass the forward pass of this network";
        check_length("z⁽¹⁾", &forward.z1, hidden, hint)?;
        check_length("h", &forward.h, hidden, hint)?;
        check_length("z⁽²⁾", &forward.z2, outputs, hint)?;
        check_length("ŷ", &forward.y_hat, outputs, hint)
    }

    /// Returns the network after one gradient-descent step with learning rate α.
    pub fn step(&self, gradients: &Gradients, alpha: f64) -> Result<Network> {
        Ok(Network {
            w1: crate::step_matrix(&self.w1, &gradients.dl_dw1, alpha)?,
            b1: crate::step_vector(&self.b1, &gradients.dl_db1, alpha)?,
            w2: crate::step_matrix(&self.w2, &gradients.dl_dw2, alpha)?,
            b2: crate::step_vector(&self.b2, &gradients.dl_db2, alpha)?,
        })
    }

    /// Returns all parameters as one vector, in the order W⁽¹⁾, b⁽¹⁾, W⁽²⁾,
    /// b⁽²⁾ with matrices row by row. Gradient checks perturb this vector.
    pub fn to_flat(&self) -> Vec<f64> {
        let mut flat = Vec::new();
        flat.extend(self.w1.transpose().iter());
        flat.extend(self.b1.iter());
        flat.extend(self.w2.transpose().iter());
        flat.extend(self.b2.iter());
        flat
    }

    /// Rebuilds a network of the same shape as `self` from [`Network::to_flat`] order.
    /// Fails when `flat` does not hold exactly one value per parameter.
    pub fn from_flat(&self, flat: &[f64]) -> Result<Network> {
        let (k, n) = self.w1.shape();
        let m = self.w2.nrows();
        let count = k * n + k + m * k + m;
        if flat.len() != count {
            return Err(Error::Shape {
                name: "the flat parameter vector",
                found: format!("({})", flat.len()),
                expected: format!("({count}) for W⁽¹⁾ {k}×{n}, b⁽¹⁾ ({k}), W⁽²⁾ {m}×{k} and b⁽²⁾ ({m})"),
                hint: "pass the output of to_flat for a network of this shape",
            });
        }
        let (w1, rest) = flat.split_at(k * n);
        let (b1, rest) = rest.split_at(k);
        let (w2, b2) = rest.split_at(m * k);
        Ok(Network {
            w1: DMatrix::from_row_slice(k, n, w1),
            b1: DVector::from_row_slice(b1),
            w2: DMatrix::from_row_slice(m, k, w2),
            b2: DVector::from_row_slice(b2),
        })
    }
}

impl Gradients {
    /// Returns all parameter gradients in [`Network::to_flat`] order.
    pub fn to_flat(&self) -> Vec<f64> {
        let mut flat = Vec::new();
        flat.extend(self.dl_dw1.transpose().iter());
        flat.extend(self.dl_db1.iter());
        flat.extend(self.dl_dw2.transpose().iter());
        flat.extend(self.dl_db2.iter());
        flat
    }
}

/// The page's hidden-layer example. Its hidden layer has the weights of
/// the single-layer example, so h equals that example's ŷ.
pub struct Example {
    pub x: DVector<f64>,
    pub network: Network,
    pub t: DVector<f64>,
    pub alpha: f64,
}

impl Example {
    /// Returns the inputs of the worked example: x = [1, 2],
    /// W⁽¹⁾ = [[0.5, 0.3], [0.2, 0.5]], b⁽¹⁾ = [0.1, 0.1],
    /// W⁽²⁾ = [[0.4, −0.3], [0.1, 0.6]], b⁽²⁾ = [0, 0.1], t = [1, 0], α = 0.1.
    pub fn hidden_layer() -> Example {
        Example {
            x: DVector::from_vec(vec![1.0, 2.0]),
            network: Network {
                w1: DMatrix::from_row_slice(2, 2, &[0.5, 0.3, 0.2, 0.5]),
                b1: DVector::from_vec(vec![0.1, 0.1]),
                w2: DMatrix::from_row_slice(2, 2, &[0.4, -0.3, 0.1, 0.6]),
                b2: DVector::from_vec(vec![0.0, 0.1]),
            },
            t: DVector::from_vec(vec![1.0, 0.0]),
            alpha: 0.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_delta_is_y_hat_minus_t() {
        let example = Example::hidden_layer();
        let forward = example.network.forward(&example.x, &example.t).unwrap();
        let gradients = example.network.backward(&example.x, &example.t, &forward).unwrap();
        let expected = &forward.y_hat - &example.t;
        assert!((gradients.delta2 - expected).amax() < 1e-15);
    }

    #[test]
    fn flat_round_trip() {
        let network = Example::hidden_layer().network;
        assert_eq!(network.from_flat(&network.to_flat()).unwrap(), network);
    }

    #[test]
    fn from_flat_rejects_wrong_count() {
        let network = Example::hidden_layer().network;
        let err = network.from_flat(&[0.0; 11]).unwrap_err();
        assert!(err.to_string().contains("the flat parameter vector has shape (11) but (12)"), "{err}");
    }

    #[test]
    fn forward_rejects_wrong_hidden_size() {
        let mut network = Example::hidden_layer().network;
        network.w2 = DMatrix::zeros(2, 3);
        let x = DVector::from_vec(vec![1.0, 2.0]);
        let t = DVector::from_vec(vec![1.0, 0.0]);
        let err = network.forward(&x, &t).unwrap_err();
        assert!(err.to_string().contains("the input has shape (2)"), "{err}");
    }
}
