//! The first worked example: one sigmoid layer ŷ = σ(Wx + b) with two inputs
//! and two outputs, one loss, one backward pass and one gradient-descent step.

use nalgebra::{DMatrix, DVector};

use crate::{
    check_layer_shapes, check_length, check_target, pre_activation, sigmoid, sigmoid_prime, weight_gradient, Result,
};

/// The two loss conventions the page compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// L = −Σᵢ tᵢ ln ŷᵢ: only outputs with a non-zero target contribute.
    CrossEntropy,
    /// L = −Σᵢ [tᵢ ln ŷᵢ + (1 − tᵢ) ln(1 − ŷᵢ)]: a binary cross-entropy on
    /// each output, summed over the outputs.
    BinaryCrossEntropy,
}

/// The layer's parameters: W is m×n with row i holding the weights into
/// output i, and b has m entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub w: DMatrix<f64>,
    pub b: DVector<f64>,
}

/// Values of the forward pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// Pre-activations z = Wx + b.
    pub z: DVector<f64>,
    /// Activations ŷ = σ(z).
    pub y_hat: DVector<f64>,
}

/// Gradients of the loss, from the output back to the parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// ∂L/∂ŷ.
    pub dl_dy_hat: DVector<f64>,
    /// δ = ∂L/∂z.
    pub delta: DVector<f64>,
    /// ∂L/∂W = δ xᵀ.
    pub dl_dw: DMatrix<f64>,
    /// ∂L/∂b = δ.
    pub dl_db: DVector<f64>,
}

impl Layer {
    // ANCHOR: forward
    /// Runs the forward pass: z = Wx + b, then ŷᵢ = σ(zᵢ).
    pub fn forward(&self, x: &DVector<f64>) -> Result<Forward> {
        let z = pre_activation(&self.w, &self.b, x)?;
        let y_hat = z.map(sigmoid);
        Ok(Forward { z, y_hat })
    }
    // ANCHOR_END: forward

    /// Returns the loss of input `x` against target `t`.
    pub fn loss(&self, loss: Loss, x: &DVector<f64>, t: &DVector<f64>) -> Result<f64> {
        let forward = self.forward(x)?;
        loss_from_logits(loss, t, &forward.z)
    }

    // ANCHOR: backward
    /// Runs the backward pass for input `x`, target `t` and the values of
    /// its forward pass.
    pub fn backward(&self, loss: Loss, x: &DVector<f64>, t: &DVector<f64>, forward: &Forward) -> Result<Gradients> {
        check_layer_shapes(&self.w, &self.b, x)?;
        check_forward(forward, self.w.nrows())?;
        check_target(t, self.w.nrows())?;

        let dl_dy_hat = loss_gradient(loss, t, &forward.y_hat)?;

        let delta = output_delta(loss, t, &forward.y_hat)?;

        let dl_dw = weight_gradient(&delta, x);
        let dl_db = delta.clone();

        Ok(Gradients { dl_dy_hat, delta, dl_dw, dl_db })
    }
    // ANCHOR_END: backward

    // ANCHOR: step
    /// Returns the layer after one gradient-descent step with learning rate α.
    pub fn step(&self, gradients: &Gradients, alpha: f64) -> Result<Layer> {
        Ok(Layer {
            w: crate::step_matrix(&self.w, &gradients.dl_dw, alpha)?,
            b: crate::step_vector(&self.b, &gradients.dl_db, alpha)?,
        })
    }
    // ANCHOR_END: step
}

/// Checks that the forward pass has one z and one ŷ per output.
fn check_forward(forward: &Forward, outputs: usize) -> Result<()> {
    let hint = "pass the forward pass of this layer";
    check_length("z", &forward.z, outputs, hint)?;
    check_length("ŷ", &forward.y_hat, outputs, hint)
}

// ANCHOR: loss_from_logits
/// Computes the loss from the pre-activations z with chapter 2's
/// cross-entropy, using ln ŷᵢ = ln σ(zᵢ) and ln(1 − ŷᵢ) = ln σ(−zᵢ), so the
/// loss stays finite where σ(zᵢ) rounds to 0 or 1.
pub fn loss_from_logits(loss: Loss, t: &DVector<f64>, z: &DVector<f64>) -> Result<f64> {
    check_target(t, z.len())?;
    let log_y_hat: Vec<f64> = z.iter().map(|&zi| ch02::log_sigmoid(zi)).collect();
    match loss {
        Loss::CrossEntropy => Ok(ch02::cross_entropy(t.as_slice(), &log_y_hat)?),
        Loss::BinaryCrossEntropy => {
            let mut total = 0.0;
            for (i, &ti) in t.iter().enumerate() {
                let log_one_minus_y_hat = ch02::log_sigmoid(-z[i]);
                total += ch02::cross_entropy(&[ti, 1.0 - ti], &[log_y_hat[i], log_one_minus_y_hat])?;
            }
            Ok(total)
        }
    }
}
// ANCHOR_END: loss_from_logits

// ANCHOR: loss_gradient
/// ∂L/∂ŷᵢ: −tᵢ/ŷᵢ for [`Loss::CrossEntropy`], and
/// −tᵢ/ŷᵢ + (1 − tᵢ)/(1 − ŷᵢ) for [`Loss::BinaryCrossEntropy`].
///
/// A term whose target factor is 0 is 0, even where its denominator is 0.
pub fn loss_gradient(loss: Loss, t: &DVector<f64>, y_hat: &DVector<f64>) -> Result<DVector<f64>> {
    check_target(t, y_hat.len())?;
    let term = |factor: f64, denominator: f64| if factor == 0.0 { 0.0 } else { factor / denominator };
    Ok(t.zip_map(y_hat, |ti, yi| match loss {
        Loss::CrossEntropy => -term(ti, yi),
        Loss::BinaryCrossEntropy => -term(ti, yi) + term(1.0 - ti, 1.0 - yi),
    }))
}
// ANCHOR_END: loss_gradient

// ANCHOR: output_delta
/// δᵢ = ∂L/∂zᵢ = ∂L/∂ŷᵢ · σ'(zᵢ), with σ'(zᵢ) = ŷᵢ(1 − ŷᵢ), simplified:
/// - cross-entropy: (−tᵢ/ŷᵢ) · ŷᵢ(1 − ŷᵢ) = tᵢ(ŷᵢ − 1);
/// - binary cross-entropy: the two terms add up to ŷᵢ − tᵢ.
///
/// The simplified forms need no division, so they stay finite when ŷᵢ
/// rounds to 0 or 1.
pub fn output_delta(loss: Loss, t: &DVector<f64>, y_hat: &DVector<f64>) -> Result<DVector<f64>> {
    check_target(t, y_hat.len())?;
    Ok(match loss {
        Loss::CrossEntropy => t.component_mul(&y_hat.map(|yi| yi - 1.0)),
        Loss::BinaryCrossEntropy => y_hat - t,
    })
}
// ANCHOR_END: output_delta

/// δ by the unsimplified chain rule, ∂L/∂ŷ ⊙ σ'(z). Equal to
/// [`output_delta`] wherever ŷ is not rounded to 0 or 1; the tests and the
/// report use it to show the simplification holds.
pub fn chain_rule_delta(loss: Loss, t: &DVector<f64>, forward: &Forward) -> Result<DVector<f64>> {
    check_forward(forward, forward.z.len())?;
    Ok(loss_gradient(loss, t, &forward.y_hat)?.component_mul(&forward.z.map(sigmoid_prime)))
}

/// The page's example: x = [1, 2], W = [[0.5, 0.3], [0.2, 0.5]],
/// b = [0.1, 0.1], t = [1, 0], α = 0.1.
pub struct Example {
    pub x: DVector<f64>,
    pub layer: Layer,
    pub t: DVector<f64>,
    pub alpha: f64,
}

impl Example {
    /// Returns the inputs of the worked example.
    pub fn classic() -> Example {
        Example {
            x: DVector::from_vec(vec![1.0, 2.0]),
            layer: Layer {
                w: DMatrix::from_row_slice(2, 2, &[0.5, 0.3, 0.2, 0.5]),
                b: DVector::from_vec(vec![0.1, 0.1]),
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
    fn delta_matches_chain_rule() {
        let example = Example::classic();
        let forward = example.layer.forward(&example.x).unwrap();
        for loss in [Loss::CrossEntropy, Loss::BinaryCrossEntropy] {
            let simplified = output_delta(loss, &example.t, &forward.y_hat).unwrap();
            let chained = chain_rule_delta(loss, &example.t, &forward).unwrap();
            assert!((simplified - chained).amax() < 1e-15, "{loss:?}");
        }
    }

    #[test]
    fn loss_finite_for_saturated_outputs() {
        let t = DVector::from_vec(vec![1.0, 0.0]);
        let z = DVector::from_vec(vec![-1000.0, 1000.0]);
        assert_eq!(loss_from_logits(Loss::CrossEntropy, &t, &z).unwrap(), 1000.0);
        assert_eq!(loss_from_logits(Loss::BinaryCrossEntropy, &t, &z).unwrap(), 2000.0);
    }

    #[test]
    fn backward_rejects_short_target() {
        let example = Example::classic();
        let forward = example.layer.forward(&example.x).unwrap();
        let t = DVector::from_vec(vec![1.0]);
        let err = example.layer.backward(Loss::CrossEntropy, &example.x, &t, &forward).unwrap_err();
        assert!(err.to_string().contains("t has shape (1)"), "{err}");
    }
}
