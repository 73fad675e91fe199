"""The book's MNIST recipe in PyTorch, timed.

Flatten -> Linear(784, 128) -> ReLU -> Linear(128, 10); Glorot-uniform
weights (xavier_uniform_), zero biases; cross-entropy on the logits; Adam with
lr 1e-3, betas (0.9, 0.999), eps 1e-7; batch 32; 5 epochs, reshuffled every
epoch. Prints one JSON line with the training time and the test accuracy.
"""

import argparse
import json
import time

import torch
from torch import nn

import mnist_idx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seed of torch's RNG (default: 0)")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads; 0 keeps PyTorch's default (default: 0)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training set (default: 5)")
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y, test_x, test_y = (torch.from_numpy(a) for a in mnist_idx.load())

    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    for layer in (model[1], model[3]):
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    batch = 32
    count = train_x.shape[0]
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(count)
        loss_sum, steps = 0.0, 0
        for start in range(0, count, batch):
            indices = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(train_x[indices]), train_y[indices])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            steps += 1
        print(f"epoch {epoch}: train loss {loss_sum / steps:.4f}", flush=True)
    train_seconds = time.perf_counter() - started

    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(dim=1) == test_y).float().mean().item()
    print(
        json.dumps(
            {
                "framework": f"PyTorch {torch.__version__}",
                "threads": torch.get_num_threads(),
                "train_seconds": train_seconds,
                "test_accuracy": accuracy,
            }
        )
    )


if __name__ == "__main__":
    main()
