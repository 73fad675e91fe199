"""Reads the four MNIST IDX files for the Keras and PyTorch benchmarks.

The files are the ones `cargo run --release -p ch05` downloads into
data/mnist; each is checked against the same SHA-256 as the Rust program.
"""

import hashlib
import struct
from pathlib import Path

import numpy as np

SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist"


def _read_checked(path: Path) -> bytes:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[path.name]:
        raise SystemExit(
            f"{path} has SHA-256 {digest}, expected {SHA256[path.name]}; "
            "delete it and run `cargo run --release -p ch05` to download a verified copy"
        )
    return data


def _images(path: Path) -> np.ndarray:
    data = _read_checked(path)
    magic, count, rows, columns = struct.unpack(">IIII", data[:16])
    if magic != 2051 or len(data) != 16 + count * rows * columns:
        raise SystemExit(f"{path} is not a valid IDX images file")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * columns)
    return pixels.astype(np.float32) / 255.0


def _labels(path: Path) -> np.ndarray:
    data = _read_checked(path)
    magic, count = struct.unpack(">II", data[:8])
    if magic != 2049 or len(data) != 8 + count:
        raise SystemExit(f"{path} is not a valid IDX labels file")
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


def load(data_dir: Path = DEFAULT_DATA_DIR):
    """Returns (train_x, train_y, test_x, test_y): pixels in [0, 1] as
    float32 arrays of shape [N, 784] and labels as int64."""
    for name in SHA256:
        if not (data_dir / name).exists():
            raise SystemExit(f"{data_dir / name} is missing; run `cargo run --release -p ch05` once to download MNIST")
    return (
        _images(data_dir / "train-images-idx3-ubyte"),
        _labels(data_dir / "train-labels-idx1-ubyte"),
        _images(data_dir / "t10k-images-idx3-ubyte"),
        _labels(data_dir / "t10k-labels-idx1-ubyte"),
    )
