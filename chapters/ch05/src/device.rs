//! Choosing the Candle device, with the GPU backends behind Cargo features.

use anyhow::Result;
use candle_core::Device;

/// The device that trains the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DeviceKind {
    /// The CPU, always available.
    Cpu,
    /// The first NVIDIA GPU, with the `cuda` feature.
    Cuda,
    /// The first Apple GPU, with the `metal` feature.
    Metal,
}

impl DeviceKind {
    /// Lowercase name as the `--device` option spells it.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Cuda => "cuda",
            DeviceKind::Metal => "metal",
        }
    }
}

/// Opens the device. A GPU that was asked for and cannot be used is an
/// error; this never falls back to the CPU, unlike `Device::cuda_if_available`.
pub fn open(kind: DeviceKind) -> Result<Device> {
    match kind {
        DeviceKind::Cpu => Ok(Device::Cpu),
        DeviceKind::Cuda => open_cuda(),
        DeviceKind::Metal => open_metal(),
    }
}

#[cfg(feature = "cuda")]
fn open_cuda() -> Result<Device> {
    // NOTE: the cuda feature is not built by the book's tests. The driver
    // library is loaded at run time, and a loader that panics instead of
    // returning an error is turned into an error here as well.
    let opened = std::panic::catch_unwind(|| Device::new_cuda(0)).map_err(|_| {
        anyhow::anyhow!(
            "failed to load the CUDA driver; check that an NVIDIA driver and GPU are present, or pass --device cpu"
        )
    })?;
    opened.map_err(|error| {
        anyhow::anyhow!("failed to open CUDA device 0: {error}; check that an NVIDIA driver and GPU are present, or pass --device cpu")
    })
}

#[cfg(not(feature = "cuda"))]
fn open_cuda() -> Result<Device> {
    anyhow::bail!(
        "--device cuda needs a build with CUDA support; run `cargo run --release -p ch05 --features cuda -- --device cuda` \
         (this needs the CUDA toolkit), or pass --device cpu"
    )
}

#[cfg(feature = "metal")]
fn open_metal() -> Result<Device> {
    Device::new_metal(0).map_err(|error| {
        anyhow::anyhow!(
            "failed to open Metal device 0: {error}; Metal needs macOS on Apple hardware, or pass --device cpu"
        )
    })
}

#[cfg(not(feature = "metal"))]
fn open_metal() -> Result<Device> {
    anyhow::bail!(
        "--device metal needs a build with Metal support; on macOS run \
         `cargo run --release -p ch05 --features metal -- --device metal`, or pass --device cpu"
    )
}
