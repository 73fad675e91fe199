"""Runs the book's MNIST recipe in Candle (ch05), Keras and PyTorch, one
after another on this machine, and prints a side-by-side table of the
5-epoch training time and the test accuracy.

Usage, from the repository root:

    bench/.venv/bin/python bench/compare.py [--seed 0] [--threads 0]

With --threads 0 every program uses its own default thread count; any other
value is passed to all three. The MNIST files must be in data/mnist (run
`cargo run --release -p ch05` once to download them).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def run_ours(seed: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as out_dir:
        summary = Path(out_dir) / "summary.json"
        command = [str(ROOT / "target" / "release" / "ch05"), "--seed", str(seed), "--out-dir", out_dir, "--summary", str(summary)]
        if threads > 0:
            command += ["--threads", str(threads)]
        subprocess.run(command, check=True, cwd=ROOT)
        record = json.loads(summary.read_text())
    return {
        "framework": f"Candle {record['versions']['candle']} (ch05)",
        "threads": record["threads"],
        "train_seconds": record["train_seconds"],
        "test_accuracy": record["test_accuracy"],
    }


def run_python(script: str, seed: int, threads: int) -> dict:
    command = [sys.executable, str(BENCH / script), "--seed", str(seed), "--threads", str(threads)]
    result = subprocess.run(command, check=True, cwd=BENCH, stdout=subprocess.PIPE, text=True)
    sys.stdout.write(result.stdout)
    last_line = result.stdout.strip().splitlines()[-1]
    return json.loads(last_line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed for all three programs (default: 0)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for all three; 0 keeps each default (default: 0)")
    parser.add_argument("--no-build", action="store_true", help="skip `cargo build --release -p ch05`")
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "ch05"], check=True, cwd=ROOT)

    results = [
        run_ours(args.seed, args.threads),
        run_python("pytorch_mnist.py", args.seed, args.threads),
        run_python("keras_mnist.py", args.seed, args.threads),
    ]

    ours = results[0]
    print()
    print(f"MNIST recipe, seed {args.seed}, 5 epochs of batch 32 on the CPU")
    header = f"{'framework':<42} {'threads':>7} {'train s':>8} {'test accuracy':>13} {'time / ours':>11}"
    print(header)
    print("-" * len(header))
    for result in results:
        ratio = result["train_seconds"] / ours["train_seconds"]
        print(
            f"{result['framework']:<42} {str(result['threads']):>7} {result['train_seconds']:>8.1f} "
            f"{100 * result['test_accuracy']:>11.2f} % {ratio:>11.2f}"
        )


if __name__ == "__main__":
    main()
