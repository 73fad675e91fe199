//! The classifier: Flatten → Dense(128, ReLU) → Dense(10), and its loss.
//!
//! Shapes use B for the batch size and H for the hidden width (128 in the
//! book's recipe). Weights are stored as `[inputs, outputs]` so a layer is
//! `x · W + b`, as in Keras; PyTorch's `nn.Linear` stores the transpose
//! `[outputs, inputs]` and computes `x · Wᵀ + b`, which is the same function.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var};

use crate::atomic;
use crate::rng::Rng;

/// Inputs per image: 28 × 28 pixels, flattened row by row.
pub const INPUTS: usize = 28 * 28;

/// Output classes: the digits 0 to 9.
pub const CLASSES: usize = 10;

/// Names of the trainable tensors, in the order [`Mlp::vars`] returns them
/// and the safetensors file stores them.
pub const PARAMETER_NAMES: [&str; 4] = ["w1", "b1", "w2", "b2"];

/// Widest hidden layer the program builds. At this width W₁ alone takes
/// 51 MB in f32, and training keeps three more tensors of its size (the
/// gradient and Adam's two moments). The bound turns a mistyped width into
/// an error instead of an allocation that aborts the process.
pub const MAX_HIDDEN: usize = 16384;

/// Checks that `hidden` is between 1 and [`MAX_HIDDEN`].
pub fn check_hidden(hidden: usize) -> Result<()> {
    if !(1..=MAX_HIDDEN).contains(&hidden) {
        bail!("a hidden layer of {hidden} units is outside the allowed range 1 to {MAX_HIDDEN}; pass --hidden in that range");
    }
    Ok(())
}

// ANCHOR: glorot
/// Glorot-uniform limit a = √(6 / (fan_in + fan_out)): weights are drawn
/// from U(−a, a), which keeps the variance of activations and of gradients
/// roughly equal across a layer (Glorot and Bengio, 2010). For 784 → 128 it
/// is 0.0811107, for 128 → 10 it is 0.208514.
pub fn glorot_limit(fan_in: usize, fan_out: usize) -> f64 {
    (6.0 / (fan_in + fan_out) as f64).sqrt()
}
// ANCHOR_END: glorot

/// Draws `fan_in × fan_out` weights from U(−a, a) with `a` the Glorot limit,
/// row-major (all outputs of input 0 first).
pub fn glorot_uniform(rng: &mut Rng, fan_in: usize, fan_out: usize) -> Vec<f64> {
    let limit = glorot_limit(fan_in, fan_out);
    (0..fan_in * fan_out).map(|_| rng.uniform(-limit, limit)).collect()
}

/// A two-layer perceptron with a ReLU hidden layer.
#[derive(Clone, Debug)]
pub struct Mlp {
    /// First-layer weights, `[784, H]`.
    pub w1: Var,
    /// First-layer biases, `[H]`.
    pub b1: Var,
    /// Second-layer weights, `[H, 10]`.
    pub w2: Var,
    /// Second-layer biases, `[10]`.
    pub b2: Var,
}

impl Mlp {
    /// Builds the model from explicit `f64` values (row-major, in the shapes
    /// of the fields below), stored on `device` as `dtype`.
    pub fn from_values(hidden: usize, values: [&[f64]; 4], dtype: DType, device: &Device) -> Result<Self> {
        check_hidden(hidden)?;
        let shapes: [&[usize]; 4] = [&[INPUTS, hidden], &[hidden], &[hidden, CLASSES], &[CLASSES]];
        let mut vars = Vec::with_capacity(4);
        for ((name, shape), data) in PARAMETER_NAMES.iter().zip(shapes).zip(values) {
            let expected: usize = shape.iter().product();
            if data.len() != expected {
                bail!(
                    "parameter {name} has {} values, but shape {shape:?} needs {expected}; pass {expected} values",
                    data.len()
                );
            }
            let tensor = Tensor::from_slice(data, shape, &Device::Cpu)?.to_dtype(dtype)?.to_device(device)?;
            vars.push(Var::from_tensor(&tensor)?);
        }
        let [w1, b1, w2, b2]: [Var; 4] = vars.try_into().expect("four parameters were built");
        Ok(Self { w1, b1, w2, b2 })
    }

    // ANCHOR: init
    /// Initialises the weights Glorot-uniform from the seeded `rng` (first
    /// layer drawn first) and the biases to zero.
    pub fn glorot(hidden: usize, rng: &mut Rng, dtype: DType, device: &Device) -> Result<Self> {
        check_hidden(hidden)?;
        let w1 = glorot_uniform(rng, INPUTS, hidden);
        let b1 = vec![0.0; hidden];
        let w2 = glorot_uniform(rng, hidden, CLASSES);
        let b2 = vec![0.0; CLASSES];
        Self::from_values(hidden, [&w1, &b1, &w2, &b2], dtype, device)
    }
    // ANCHOR_END: init

    /// Width H of the hidden layer.
    pub fn hidden(&self) -> usize {
        self.b1.dims()[0]
    }

    /// Returns the trainable tensors, in the order of [`PARAMETER_NAMES`].
    pub fn vars(&self) -> [&Var; 4] {
        [&self.w1, &self.b1, &self.w2, &self.b2]
    }

    /// Number of trainable values: 784·H + H + H·10 + 10.
    pub fn parameter_count(&self) -> usize {
        self.vars().iter().map(|var| var.elem_count()).sum()
    }

    // ANCHOR: forward
    /// Computes the logits of a batch of flattened images.
    pub fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let z1 = x.matmul(&self.w1)?.broadcast_add(&self.b1)?; // [B, 784] · [784, H] + [H] → [B, H]
        let h = z1.relu()?; // [B, H]
        h.matmul(&self.w2)?.broadcast_add(&self.b2) // [B, H] · [H, 10] + [10] → [B, 10]
    }
    // ANCHOR_END: forward

    /// Returns the first parameter, in the order of [`PARAMETER_NAMES`], that
    /// contains a NaN or an infinity, or `None` when every value is finite.
    pub fn find_non_finite(&self) -> Result<Option<NonFinite>> {
        for (name, var) in PARAMETER_NAMES.iter().zip(self.vars()) {
            let values = var.as_tensor().to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
            let count = values.iter().filter(|value| !value.is_finite()).count();
            if let Some(position) = values.iter().position(|value| !value.is_finite()) {
                return Ok(Some(NonFinite {
                    name,
                    count,
                    total: values.len(),
                    first: values[position],
                    index: unravel(position, var.dims()),
                }));
            }
        }
        Ok(None)
    }

    /// Saves the four tensors to a safetensors file under the names
    /// [`PARAMETER_NAMES`]. The file is written atomically, so an interrupted
    /// save leaves any older file at `path` as it was.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tensors: HashMap<String, Tensor> = PARAMETER_NAMES
            .iter()
            .zip(self.vars())
            .map(|(name, var)| (name.to_string(), var.as_tensor().clone()))
            .collect();
        atomic::write_with(path, |temporary| {
            // Candle writes by path, so it reopens the temporary file.
            Ok(candle_core::safetensors::save(&tensors, temporary.path())?)
        })
        .with_context(|| {
            format!("failed to save the weights to {}; pass a --save path in a writable folder", path.display())
        })
    }

    /// Loads a model saved by [`Mlp::save`], checking every name and shape
    /// and that every value is finite.
    pub fn load(path: &Path, dtype: DType, device: &Device) -> Result<Self> {
        let mut tensors = candle_core::safetensors::load(path, &Device::Cpu).with_context(|| {
            format!("failed to read the weights in {}; pass a file written by --save", path.display())
        })?;
        let mut take = |name: &str| {
            tensors.remove(name).with_context(|| {
                format!("{} has no tensor named {name}; pass a file written by --save", path.display())
            })
        };
        let (w1, b1, w2, b2) = (take("w1")?, take("b1")?, take("w2")?, take("b2")?);

        let hidden = match b1.dims() {
            &[hidden] => hidden,
            dims => bail!(
                "{}: b1 has shape {dims:?}, but the model needs a vector of shape [H], one bias per hidden unit; \
                 pass a file written by --save",
                path.display()
            ),
        };
        if !(1..=MAX_HIDDEN).contains(&hidden) {
            bail!(
                "{}: b1 has {hidden} entries, but the program builds hidden layers of 1 to {MAX_HIDDEN} units; \
                 pass a file written by --save",
                path.display()
            );
        }
        let expected: [(&str, &Tensor, Vec<usize>); 4] = [
            ("w1", &w1, vec![INPUTS, hidden]),
            ("b1", &b1, vec![hidden]),
            ("w2", &w2, vec![hidden, CLASSES]),
            ("b2", &b2, vec![CLASSES]),
        ];
        for (name, tensor, shape) in &expected {
            if tensor.dims() != shape.as_slice() {
                bail!(
                    "{}: {name} has shape {:?}, but the model needs {shape:?}; pass a file written by --save",
                    path.display(),
                    tensor.dims()
                );
            }
        }

        let to_var =
            |tensor: Tensor| -> Result<Var> { Ok(Var::from_tensor(&tensor.to_dtype(dtype)?.to_device(device)?)?) };
        let model = Self { w1: to_var(w1)?, b1: to_var(b1)?, w2: to_var(w2)?, b2: to_var(b2)? };
        if let Some(non_finite) = model.find_non_finite()? {
            bail!(
                "{}: {non_finite}, so the file contains diverged weights; pass --load a file saved by a run that \
                 finished, or train from Glorot-uniform weights without --load",
                path.display()
            );
        }
        Ok(model)
    }
}

/// A parameter that contains NaN or infinite values, found by [`Mlp::find_non_finite`].
#[derive(Clone, Debug, PartialEq)]
pub struct NonFinite {
    /// Name of the parameter, one of [`PARAMETER_NAMES`].
    pub name: &'static str,
    /// Number of NaN and infinite values in it.
    pub count: usize,
    /// Number of values in it.
    pub total: usize,
    /// The first non-finite value, in row-major order.
    pub first: f64,
    /// Position of that value in the tensor.
    pub index: Vec<usize>,
}

impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = if self.count == 1 { "value" } else { "values" };
        write!(
            f,
            "{} contains {} non-finite {values} out of {} (the first is {} at index {:?})",
            self.name, self.count, self.total, self.first, self.index
        )
    }
}

/// Converts a row-major position into an index of a tensor of shape `dims`.
fn unravel(mut position: usize, dims: &[usize]) -> Vec<usize> {
    let mut index = vec![0; dims.len()];
    for (axis, &size) in dims.iter().enumerate().rev() {
        index[axis] = position % size;
        position /= size;
    }
    index
}

// ANCHOR: cross_entropy
/// Softmax cross-entropy of logits `z` (`[B, 10]`) against class indices `y`
/// (`[B]`, u32), averaged over the batch:
///
/// L = (1/B) Σᵦ (log Σⱼ e^(z_bj) − z_b,y_b)
///
/// This is −log softmax(z)_y without ever forming softmax(z): `log_sum_exp`
/// subtracts the row maximum before exponentiating, so no term overflows and
/// no probability underflows to a log of zero.
pub fn cross_entropy(logits: &Tensor, labels: &Tensor) -> candle_core::Result<Tensor> {
    let log_sum_exp = logits.log_sum_exp(1)?; // [B]
    let true_logit = logits.gather(&labels.unsqueeze(1)?, 1)?.squeeze(1)?; // [B]
    (log_sum_exp - true_logit)?.mean_all() // scalar
}
// ANCHOR_END: cross_entropy

/// Predicted class of each row of `logits` (`[B, 10]` → `[B]`, u32).
pub fn predictions(logits: &Tensor) -> candle_core::Result<Tensor> {
    logits.argmax(1)
}
