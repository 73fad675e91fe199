//! Adam (Kingma and Ba, 2015), written out instead of taken from candle-nn.
//!
//! candle-nn 0.11.1 ships `AdamW` with a default weight decay of 0.01 and
//! ε = 1e-8; with `weight_decay: 0.0` and `eps: 1e-7` it computes the same
//! update as this module's tensor kernel (a test checks that). The module
//! exists so the page can show the update rule line by line, and so that on
//! the CPU the whole update runs as one loop over each parameter.
//!
//! Where ε goes differs between libraries. PyTorch's `torch.optim.Adam` and
//! this module add ε to the bias-corrected √v̂ₜ. Keras 3's `Adam` folds the
//! bias corrections into the step size and adds ε to the uncorrected √vₜ.
//! That equals adding ε / √(1 − β₂ᵗ) to √v̂ₜ, which is about 32 ε at the
//! first step and ε once β₂ᵗ has decayed (after a few thousand steps). With ε = 1e-7
//! both are far below a typical √v̂ₜ, so the two runs differ only slightly.

use std::cell::RefCell;

use anyhow::{bail, Context, Result};
use candle_core::backprop::GradStore;
use candle_core::{CpuStorage, DType, InplaceOp2, Layout, Tensor, Var};

/// Adam's hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Step size α.
    pub learning_rate: f64,
    /// Decay rate β₁ of the first-moment (mean) estimate.
    pub beta1: f64,
    /// Decay rate β₂ of the second-moment (uncentred variance) estimate.
    pub beta2: f64,
    /// ε, added to √v̂ₜ so the division never divides by zero.
    pub epsilon: f64,
}

impl Default for AdamConfig {
    /// Returns the book's recipe, which is Keras's default: α 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7.
    fn default() -> Self {
        Self { learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    }
}

/// The implementation that [`Adam::step`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Candle tensor operations: works on every device and dtype, but each
    /// operation allocates a new tensor (about ten per parameter and step).
    TensorOps,
    /// One loop per parameter that updates the weights in place: only for
    /// contiguous f32 parameters on the CPU.
    FusedCpu,
}

/// The moment estimates of one parameter.
enum Moments {
    Tensors { m: Tensor, v: Tensor },
    Host { m: Vec<f32>, v: Vec<f32> },
}

/// Adam's state: the parameters it updates and their moment estimates.
pub struct Adam {
    config: AdamConfig,
    params: Vec<(String, Var)>,
    moments: Vec<Moments>,
    step: i32,
}

/// Returns true when `var` can use [`Kernel::FusedCpu`].
fn fused_cpu_supported(var: &Var) -> bool {
    var.device().is_cpu() && var.dtype() == DType::F32 && var.is_contiguous()
}

impl Adam {
    /// Starts Adam for `params` (name, tensor) with zero moments, using
    /// [`Kernel::FusedCpu`] for every parameter that supports it and
    /// [`Kernel::TensorOps`] for the others.
    pub fn new(params: Vec<(String, Var)>, config: AdamConfig) -> Result<Self> {
        let all_fused = params.iter().all(|(_, var)| fused_cpu_supported(var));
        Self::with_kernel(params, config, if all_fused { Kernel::FusedCpu } else { Kernel::TensorOps })
    }

    /// Starts Adam with the given kernel for every parameter. Fails when
    /// [`Kernel::FusedCpu`] is asked for a parameter it does not support.
    pub fn with_kernel(params: Vec<(String, Var)>, config: AdamConfig, kernel: Kernel) -> Result<Self> {
        let mut moments = Vec::with_capacity(params.len());
        for (name, var) in &params {
            moments.push(match kernel {
                Kernel::TensorOps => Moments::Tensors { m: var.zeros_like()?, v: var.zeros_like()? },
                Kernel::FusedCpu if fused_cpu_supported(var) => {
                    Moments::Host { m: vec![0.0; var.elem_count()], v: vec![0.0; var.elem_count()] }
                }
                Kernel::FusedCpu => bail!(
                    "parameter {name} is a {:?} tensor on {:?}, but the fused kernel takes only contiguous f32 tensors \
                     on the CPU; use Kernel::TensorOps",
                    var.dtype(),
                    var.device().location()
                ),
            });
        }
        Ok(Self { config, params, moments, step: 0 })
    }

    /// Number of updates applied so far.
    pub fn step_count(&self) -> i32 {
        self.step
    }

    /// Applies one update with the gradients from `backward`:
    ///
    /// mₜ = β₁ mₜ₋₁ + (1 − β₁) g
    /// vₜ = β₂ vₜ₋₁ + (1 − β₂) g²
    /// θₜ = θₜ₋₁ − α m̂ₜ / (√v̂ₜ + ε), with m̂ₜ = mₜ / (1 − β₁ᵗ) and v̂ₜ = vₜ / (1 − β₂ᵗ)
    ///
    /// Fails when a parameter has no gradient, which means it did not take
    /// part in the loss.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.step += 1;
        let coefficients = Coefficients::new(&self.config, self.step);

        for ((name, theta), moments) in self.params.iter().zip(&mut self.moments) {
            let g = grads
                .get(theta.as_tensor())
                .with_context(|| format!("parameter {name} has no gradient; it does not take part in the loss"))?;
            match moments {
                Moments::Tensors { m, v } => tensor_step(&coefficients, theta, g, m, v)?,
                Moments::Host { m, v } => {
                    let kernel = FusedStep { coefficients, moments: RefCell::new((m, v)) };
                    theta.as_tensor().inplace_op2(&g.contiguous()?, &kernel)?;
                }
            }
        }
        Ok(())
    }
}

/// The scalars of one step t.
#[derive(Clone, Copy, Debug)]
struct Coefficients {
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    /// α / (1 − β₁ᵗ): the bias correction of m folded into the step size.
    step_size: f64,
    /// 1 / √(1 − β₂ᵗ), so that √v̂ = √v · this.
    inverse_sqrt_correction2: f64,
}

impl Coefficients {
    fn new(config: &AdamConfig, step: i32) -> Self {
        let AdamConfig { learning_rate, beta1, beta2, epsilon } = *config;
        Self {
            beta1,
            beta2,
            epsilon,
            step_size: learning_rate / (1.0 - beta1.powi(step)),
            inverse_sqrt_correction2: 1.0 / (1.0 - beta2.powi(step)).sqrt(),
        }
    }
}

// ANCHOR: step
/// One Adam step with Candle tensor operations, on any device.
fn tensor_step(c: &Coefficients, theta: &Var, g: &Tensor, m: &mut Tensor, v: &mut Tensor) -> Result<()> {
    // The gradients can carry the graph of the step that produced them, so
    // the moments are detached: otherwise each step's moments would keep
    // every earlier step's graph alive.
    let g = g.detach();
    *m = ((&*m * c.beta1)? + (&g * (1.0 - c.beta1))?)?;
    *v = ((&*v * c.beta2)? + (g.sqr()? * (1.0 - c.beta2))?)?;

    // √v̂ + ε = √v / √(1 − β₂ᵗ) + ε, in one affine operation.
    let denominator = v.sqrt()?.affine(c.inverse_sqrt_correction2, c.epsilon)?;
    let update = ((&*m * c.step_size)? / denominator)?;
    theta.set(&(theta.as_tensor() - update)?)?;
    Ok(())
}
// ANCHOR_END: step

/// The same step as [`tensor_step`] as one loop that updates the weights in
/// place, through Candle's in-place custom operation on CPU storage.
struct FusedStep<'a> {
    coefficients: Coefficients,
    moments: RefCell<(&'a mut Vec<f32>, &'a mut Vec<f32>)>,
}

impl InplaceOp2 for FusedStep<'_> {
    fn name(&self) -> &'static str {
        "fused-adam-step"
    }

    fn cpu_fwd(
        &self,
        theta: &mut CpuStorage,
        theta_layout: &Layout,
        g: &CpuStorage,
        g_layout: &Layout,
    ) -> candle_core::Result<()> {
        let (CpuStorage::F32(theta), CpuStorage::F32(g)) = (theta, g) else {
            candle_core::bail!("the fused Adam step takes f32 parameters and gradients");
        };
        let (Some((theta_start, theta_end)), Some((g_start, g_end))) =
            (theta_layout.contiguous_offsets(), g_layout.contiguous_offsets())
        else {
            candle_core::bail!("the fused Adam step takes contiguous parameters and gradients");
        };
        let theta = &mut theta[theta_start..theta_end];
        let g = &g[g_start..g_end];
        let mut moments = self.moments.borrow_mut();
        let (m, v) = &mut *moments;
        if m.len() != theta.len() || g.len() != theta.len() {
            candle_core::bail!(
                "the fused Adam step got {} weights, {} gradients and {} moments",
                theta.len(),
                g.len(),
                m.len()
            );
        }

        // 1 − β is formed in f64 before the cast: in f32, 1 − 0.999 is
        // 0.00099998713, which would weigh g² 1.3e-5 too little.
        // ANCHOR: fused_step
        let c = &self.coefficients;
        let (beta1, beta2) = (c.beta1 as f32, c.beta2 as f32);
        let (one_minus_beta1, one_minus_beta2) = ((1.0 - c.beta1) as f32, (1.0 - c.beta2) as f32);
        let (step_size, inverse_sqrt_correction2, epsilon) =
            (c.step_size as f32, c.inverse_sqrt_correction2 as f32, c.epsilon as f32);
        // Zipped iterators carry no bounds checks, so the loop vectorises.
        for (((theta, &g), m), v) in theta.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
            *m = beta1 * *m + one_minus_beta1 * g;
            *v = beta2 * *v + one_minus_beta2 * g * g;
            *theta -= step_size * *m / (v.sqrt() * inverse_sqrt_correction2 + epsilon);
        }
        // ANCHOR_END: fused_step
        Ok(())
    }
}
