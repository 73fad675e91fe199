//! The IDX parser on good bytes and on each kind of damaged file.

use ch05::idx::{self, IdxError};

/// Builds an images file of `count` images of `rows × columns`, pixel i = i mod 256.
fn images_file(count: u32, rows: u32, columns: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend(idx::IMAGES_MAGIC.to_be_bytes());
    bytes.extend(count.to_be_bytes());
    bytes.extend(rows.to_be_bytes());
    bytes.extend(columns.to_be_bytes());
    bytes.extend((0..count * rows * columns).map(|i| (i % 256) as u8));
    bytes
}

/// Builds a labels file that contains `labels`.
fn labels_file(labels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend(idx::LABELS_MAGIC.to_be_bytes());
    bytes.extend((labels.len() as u32).to_be_bytes());
    bytes.extend(labels);
    bytes
}

#[test]
fn header_reads_big_endian_fields() {
    let header = [0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0xEA, 0x60, 0x00, 0x00, 0x00, 0x1C, 0x00, 0x00, 0x00, 0x1C];
    let parsed = idx::parse_images_header("header", &header).unwrap();
    assert_eq!(parsed, idx::ImagesHeader { count: 60000, rows: 28, columns: 28 });
}

#[test]
fn little_endian_header_is_rejected() {
    // The magic 2051 written little-endian reads as 0x03080000 big-endian.
    let mut bytes = images_file(2, 28, 28);
    bytes[..4].copy_from_slice(&2051u32.to_le_bytes());
    let error = idx::parse_images("swapped.idx", &bytes).unwrap_err();
    assert_eq!(
        error,
        IdxError::WrongMagic { file: "swapped.idx".into(), kind: "images", found: 50855936, expected: 2051 }
    );
}

#[test]
fn images_parse_counts_and_pixels() {
    let bytes = images_file(3, 28, 28);
    let images = idx::parse_images("good", &bytes).unwrap();
    assert_eq!((images.count, images.rows, images.columns), (3, 28, 28));
    assert_eq!(images.pixels.len(), 3 * 784);
    assert_eq!(images.image(1)[0], (784 % 256) as u8);
}

#[test]
fn labels_parse_digits() {
    let labels = idx::parse_labels("good", &labels_file(&[0, 9, 5])).unwrap();
    assert_eq!(labels, vec![0, 9, 5]);
}

#[test]
fn labels_file_passed_as_images() {
    let error = idx::parse_images("train-labels-idx1-ubyte", &labels_file(&[1; 20])).unwrap_err();
    assert!(matches!(error, IdxError::WrongMagic { found: 2049, expected: 2051, .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("train-labels-idx1-ubyte"), "{message}");
    assert!(message.contains("check that this is the images file"), "{message}");
}

#[test]
fn images_file_passed_as_labels() {
    let error = idx::parse_labels("t10k-images-idx3-ubyte", &images_file(1, 28, 28)).unwrap_err();
    assert!(matches!(error, IdxError::WrongMagic { found: 2051, expected: 2049, .. }), "{error}");
}

#[test]
fn truncated_images_file_is_rejected() {
    let mut bytes = images_file(3, 28, 28);
    bytes.truncate(bytes.len() - 1);
    let error = idx::parse_images("short", &bytes).unwrap_err();
    assert_eq!(
        error,
        IdxError::SizeMismatch {
            file: "short".into(),
            count: 3,
            item_size: 784,
            expected: 16 + 3 * 784,
            len: 16 + 3 * 784 - 1
        }
    );
    assert!(error.to_string().contains("delete the file and run the program again"), "{error}");
}

#[test]
fn padded_labels_file_is_rejected() {
    let mut bytes = labels_file(&[1, 2, 3]);
    bytes.push(4);
    let error = idx::parse_labels("long", &bytes).unwrap_err();
    assert!(matches!(error, IdxError::SizeMismatch { count: 3, expected: 11, len: 12, .. }), "{error}");
}

#[test]
fn header_shorter_than_sixteen_bytes() {
    let error = idx::parse_images("stub", &[0x00, 0x00, 0x08]).unwrap_err();
    assert_eq!(error, IdxError::TooShort { file: "stub".into(), len: 3, header: 16 });
}

#[test]
fn huge_count_does_not_overflow() {
    let mut bytes = images_file(1, 28, 28);
    bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    bytes[8..16].copy_from_slice(&[0xFF; 8]);
    let error = idx::parse_images("huge", &bytes).unwrap_err();
    assert!(matches!(error, IdxError::SizeMismatch { .. }), "{error}");
}

#[test]
fn label_above_nine_is_rejected() {
    let error = idx::parse_labels("labels", &labels_file(&[3, 7, 10, 2])).unwrap_err();
    assert_eq!(error, IdxError::LabelOutOfRange { file: "labels".into(), index: 2, value: 10 });
    assert!(error.to_string().contains("label 2 is 10"), "{error}");
}

#[test]
fn label_255_is_rejected() {
    let error = idx::parse_labels("labels", &labels_file(&[255])).unwrap_err();
    assert!(matches!(error, IdxError::LabelOutOfRange { value: 255, .. }), "{error}");
}

#[test]
fn image_and_label_counts_differ() {
    let images = idx::parse_images("images", &images_file(3, 28, 28)).unwrap();
    let error = idx::check_counts("images", &images, "labels", &[1, 2]).unwrap_err();
    assert!(error.to_string().contains("images holds 3 images but labels holds 2 labels"), "{error}");
}

#[test]
fn wrong_image_size_is_rejected() {
    let images = idx::parse_images("small", &images_file(2, 8, 8)).unwrap();
    let error = idx::check_image_size("small", &images, 28, 28).unwrap_err();
    assert!(error.to_string().contains("images are 8×8 pixels"), "{error}");
}

#[test]
fn pixels_scale_to_unit_interval() {
    let scaled = idx::scale_pixels(&[0x00, 0x80, 0xFF, 0x01]);
    let printed: Vec<String> = scaled.iter().map(|&x| numfmt::num(f64::from(x))).collect();
    assert_eq!(printed, ["0", "0.501961", "1", "0.00392157"]);
}

#[test]
fn labels_widen_to_u32() {
    assert_eq!(idx::labels_to_u32(&[0, 9]), vec![0u32, 9]);
}

#[test]
fn fixture_subset_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    let mnist = ch05::data::load(&dir, &ch05::data::MNIST_SUBSET).unwrap();
    assert_eq!(mnist.train.len(), 1000);
    assert_eq!(mnist.test.len(), 500);
    // The first MNIST training digit is a 5 and the first test digit a 7.
    assert_eq!(mnist.train.labels[0], 5);
    assert_eq!(mnist.test.labels[0], 7);
}

#[test]
fn damaged_data_file_fails_checksum() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset");
    let dir = tempfile::tempdir().unwrap();
    for file in ch05::data::MNIST_SUBSET.files() {
        std::fs::copy(source.join(file.name), dir.path().join(file.name)).unwrap();
    }
    let labels = dir.path().join("t10k-labels-idx1-ubyte");
    let mut bytes = std::fs::read(&labels).unwrap();
    bytes[8] = 3;
    std::fs::write(&labels, bytes).unwrap();

    let message = format!("{:#}", ch05::data::load(dir.path(), &ch05::data::MNIST_SUBSET).unwrap_err());
    assert!(message.contains("t10k-labels-idx1-ubyte has SHA-256"), "{message}");
    assert!(message.contains("run the program again: it moves the file to"), "{message}");
    assert!(message.contains("t10k-labels-idx1-ubyte.rejected and fetches a verified copy"), "{message}");
}
