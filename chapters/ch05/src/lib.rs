//! Chapter 5: MNIST with Candle.
//!
//! Chapter 4's formulas, scaled up to a real classifier: a 784-128-10
//! perceptron trained on MNIST with Candle's autograd and Adam, with the
//! recipe that Keras's beginner example uses (Glorot-uniform weights, zero
//! biases, Adam with ε = 1e-7, batch 32, 5 epochs).
//!
//! The crate is split by concern:
//! - [`idx`]: the strict IDX parser, and pixel and label conversion;
//! - [`data`] and [`download`]: checksums, loading, and fetching missing files;
//! - [`rng`], [`model`], [`adam`], [`train`]: the seeded initialisation, the
//!   network and its loss, the optimizer, and the training loop;
//! - [`summary`], [`figures`], [`reference`]: the JSON record of a run, its
//!   plots, and the report of the committed reference runs;
//! - [`atomic`]: the temporary-file-and-rename writes that every output uses.
//!
//! What it leaves out: no validation split, no learning-rate schedule, no
//! regularisation, and no data augmentation. The test set is evaluated after
//! every epoch only to draw the learning curves; nothing is tuned on it.

pub mod adam;
pub mod atomic;
pub mod data;
pub mod device;
pub mod download;
pub mod figures;
pub mod idx;
pub mod model;
pub mod reference;
pub mod rng;
pub mod summary;
pub mod train;

pub use reference::report;
