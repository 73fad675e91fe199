"""The book's MNIST recipe in Keras 3 (TensorFlow backend), timed.

Flatten -> Dense(128, relu) -> Dense(10); Glorot-uniform weights and zero
biases (Keras's defaults, given explicitly); sparse categorical cross-entropy
on the logits; Adam with learning_rate 1e-3, beta_1 0.9, beta_2 0.999,
epsilon 1e-7; batch 32; 5 epochs, reshuffled every epoch. Prints one JSON
line with the training time (model.fit) and the test accuracy.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

import mnist_idx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seed of Keras's RNGs (default: 0)")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads; 0 keeps TensorFlow's default (default: 0)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training set (default: 5)")
    args = parser.parse_args()

    if args.threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(args.seed)
    train_x, train_y, test_x, test_y = mnist_idx.load()

    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu", kernel_initializer="glorot_uniform", bias_initializer="zeros"),
            keras.layers.Dense(10, kernel_initializer="glorot_uniform", bias_initializer="zeros"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    started = time.perf_counter()
    model.fit(train_x, train_y, batch_size=32, epochs=args.epochs, shuffle=True, verbose=2)
    train_seconds = time.perf_counter() - started

    _, accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
    print(
        json.dumps(
            {
                "framework": f"Keras {keras.__version__} (TensorFlow {tf.__version__})",
                "threads": args.threads or "default",
                "train_seconds": train_seconds,
                "test_accuracy": accuracy,
            }
        )
    )


if __name__ == "__main__":
    main()
