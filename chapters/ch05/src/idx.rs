//! A strict reader for the IDX files that MNIST ships in.
//!
//! An IDX file is a header of big-endian `u32` fields followed by raw bytes:
//!
//! | offset | field | images file | labels file |
//! |---|---|---|---|
//! | 0 | magic: `00 00`, type `08` (unsigned byte), number of dimensions | 2051 (`00 00 08 03`) | 2049 (`00 00 08 01`) |
//! | 4 | number of items | 60000 or 10000 | 60000 or 10000 |
//! | 8 | rows | 28 | none |
//! | 12 | columns | 28 | none |
//! | 16 or 8 | the data, one byte per pixel or label | | |
//!
//! Every field is read with `u32::from_be_bytes`, so a little-endian misread
//! cannot happen: the magic 2051 read little-endian would be 50855936, which
//! the parser rejects. Every check failure is an [`IdxError`] that names the
//! file and says what to do.

use thiserror::Error;

// ANCHOR: magic
/// Magic number of an IDX images file: unsigned bytes, 3 dimensions.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX labels file: unsigned bytes, 1 dimension.
pub const LABELS_MAGIC: u32 = 0x0000_0801;
// ANCHOR_END: magic

/// Number of classes: the digits 0 to 9.
pub const CLASSES: usize = 10;

/// Advice for the reader when a data file is damaged.
const FIX: &str = "delete the file and run the program again to download a verified copy";

/// A check that an IDX file failed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum IdxError {
    /// The file ends before its header does.
    #[error("{file}: {len} bytes is shorter than the {header}-byte IDX header; the file is truncated, so {FIX}")]
    TooShort { file: String, len: usize, header: usize },
    /// The first four bytes are not the magic number of this kind of file.
    #[error(
        "{file}: magic number is 0x{found:08X} ({found}), but an IDX {kind} file starts with 0x{expected:08X} ({expected}); \
         check that this is the {kind} file, otherwise {FIX}"
    )]
    WrongMagic { file: String, kind: &'static str, found: u32, expected: u32 },
    /// The header's item count does not match the number of bytes after it.
    #[error(
        "{file}: the header promises {count} items of {item_size} bytes ({expected} bytes in all with the header), \
         but the file has {len} bytes; the file is truncated or padded, so {FIX}"
    )]
    SizeMismatch { file: String, count: usize, item_size: usize, expected: usize, len: usize },
    /// An image has a size the model cannot take.
    #[error("{file}: images are {rows}×{columns} pixels, but the model takes {expected_rows}×{expected_columns}; pass the MNIST images file")]
    WrongImageSize { file: String, rows: usize, columns: usize, expected_rows: usize, expected_columns: usize },
    /// A label is not a digit.
    #[error("{file}: label {index} is {value}, but MNIST labels are the digits 0 to 9; {FIX}")]
    LabelOutOfRange { file: String, index: usize, value: u8 },
    /// An images file and its labels file disagree on the number of examples.
    #[error(
        "{images_file} holds {images} images but {labels_file} holds {labels} labels; \
         pass the images and labels of the same split (train or t10k), or delete both files and run again"
    )]
    CountMismatch { images_file: String, images: usize, labels_file: String, labels: usize },
}

/// The images of an IDX images file, row-major, one byte per pixel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Images {
    /// Number of images.
    pub count: usize,
    /// Rows per image.
    pub rows: usize,
    /// Columns per image.
    pub columns: usize,
    /// `count × rows × columns` bytes, 0 for white paper to 255 for ink.
    pub pixels: Vec<u8>,
}

impl Images {
    /// Pixels per image.
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.columns
    }

    /// Returns the pixels of image `index`.
    pub fn image(&self, index: usize) -> &[u8] {
        let size = self.pixels_per_image();
        &self.pixels[index * size..(index + 1) * size]
    }
}

/// Reads the big-endian `u32` at `offset`. The caller has checked the length.
fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes([bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]])
}

/// Checks the length and the magic number and returns the item count.
fn check_header(file: &str, bytes: &[u8], kind: &'static str, magic: u32, header: usize) -> Result<usize, IdxError> {
    if bytes.len() < header {
        return Err(IdxError::TooShort { file: file.to_owned(), len: bytes.len(), header });
    }
    let found = read_u32(bytes, 0);
    if found != magic {
        return Err(IdxError::WrongMagic { file: file.to_owned(), kind, found, expected: magic });
    }
    Ok(read_u32(bytes, 4) as usize)
}

/// Checks that `count` items of `item_size` bytes exactly fill the file.
fn check_size(file: &str, bytes: &[u8], header: usize, count: usize, item_size: usize) -> Result<(), IdxError> {
    // Checked arithmetic: a damaged header can promise more than usize holds.
    let expected = count.checked_mul(item_size).and_then(|data| data.checked_add(header));
    if expected != Some(bytes.len()) {
        return Err(IdxError::SizeMismatch {
            file: file.to_owned(),
            count,
            item_size,
            expected: expected.unwrap_or(usize::MAX),
            len: bytes.len(),
        });
    }
    Ok(())
}

/// Bytes in an IDX images header.
pub const IMAGES_HEADER: usize = 16;

/// The fields of an IDX images header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImagesHeader {
    pub count: usize,
    pub rows: usize,
    pub columns: usize,
}

// ANCHOR: parse_images
/// Reads an IDX images header: magic 2051, count, rows, columns, each a
/// big-endian u32. Only the first 16 bytes are looked at.
pub fn parse_images_header(file: &str, bytes: &[u8]) -> Result<ImagesHeader, IdxError> {
    let count = check_header(file, bytes, "images", IMAGES_MAGIC, IMAGES_HEADER)?;
    let rows = read_u32(bytes, 8) as usize;
    let columns = read_u32(bytes, 12) as usize;
    Ok(ImagesHeader { count, rows, columns })
}

/// Parses an IDX images file: the header, then `count × rows × columns`
/// pixel bytes and nothing after them. `file` names the file in errors.
pub fn parse_images(file: &str, bytes: &[u8]) -> Result<Images, IdxError> {
    let ImagesHeader { count, rows, columns } = parse_images_header(file, bytes)?;

    let image_size = rows.saturating_mul(columns);
    check_size(file, bytes, IMAGES_HEADER, count, image_size)?;

    Ok(Images { count, rows, columns, pixels: bytes[IMAGES_HEADER..].to_vec() })
}
// ANCHOR_END: parse_images

// ANCHOR: parse_labels
/// Parses an IDX labels file: magic 2049, count, then one byte per label,
/// each a digit from 0 to 9. `file` names the file in errors.
pub fn parse_labels(file: &str, bytes: &[u8]) -> Result<Vec<u8>, IdxError> {
    const HEADER: usize = 8;
    let count = check_header(file, bytes, "labels", LABELS_MAGIC, HEADER)?;
    check_size(file, bytes, HEADER, count, 1)?;

    let labels = &bytes[HEADER..];
    if let Some(index) = labels.iter().position(|&label| label as usize >= CLASSES) {
        return Err(IdxError::LabelOutOfRange { file: file.to_owned(), index, value: labels[index] });
    }
    Ok(labels.to_vec())
}
// ANCHOR_END: parse_labels

/// Checks that an images file has `rows × columns` images.
pub fn check_image_size(file: &str, images: &Images, rows: usize, columns: usize) -> Result<(), IdxError> {
    if images.rows != rows || images.columns != columns {
        return Err(IdxError::WrongImageSize {
            file: file.to_owned(),
            rows: images.rows,
            columns: images.columns,
            expected_rows: rows,
            expected_columns: columns,
        });
    }
    Ok(())
}

/// Checks that an images file and a labels file hold the same number of examples.
pub fn check_counts(images_file: &str, images: &Images, labels_file: &str, labels: &[u8]) -> Result<(), IdxError> {
    if images.count != labels.len() {
        return Err(IdxError::CountMismatch {
            images_file: images_file.to_owned(),
            images: images.count,
            labels_file: labels_file.to_owned(),
            labels: labels.len(),
        });
    }
    Ok(())
}

// ANCHOR: scale_pixels
/// Scales pixel bytes to `f32` in [0, 1]: x = byte / 255, so 0x80 becomes
/// 0.501961 and 0xFF becomes 1.
pub fn scale_pixels(pixels: &[u8]) -> Vec<f32> {
    pixels.iter().map(|&byte| f32::from(byte) / 255.0).collect()
}

/// Widens labels to `u32`, the type Candle's loss and `gather` take as
/// class indices. Candle accepts u8, u32 and i64 targets, but a u8 label of
/// 255 would be silently ignored, and i32 or f32 targets fail with a message
/// about F32, so the labels are converted here, after the 0–9 check.
pub fn labels_to_u32(labels: &[u8]) -> Vec<u32> {
    labels.iter().map(|&label| u32::from(label)).collect()
}
// ANCHOR_END: scale_pixels
