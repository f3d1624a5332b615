#!/usr/bin/python3
"""The PyTorch side of `training-studio-cli bench`: the same networks (presets mlp, lenet, cnn),
the same Fashion-MNIST IDX files, one epoch, batch 64, Adam 1e-3, torch.set_num_threads(N) and
OpenBLAS on --blas-threads threads. Prints one JSON object on stdout; progress goes to stderr.

    /usr/bin/python3 tests/bench/bench_torch.py --threads 2 --blas-threads 1

`bench` runs it twice, with --blas-threads 1 and N, and compares with the faster: PyTorch's own
OpenMP threads and OpenBLAS's threads share the same cores, and which setting wins depends on the
model and the machine.
"""

import os
import sys

# Debian's torch calls the system BLAS (BLAS_INFO=generic): with libopenblas0-pthread installed
# that is OpenBLAS, whose own thread count torch.set_num_threads does not set. OpenBLAS reads it
# once, when numpy/torch load the library, so it is set here, before the imports. The default is
# 1: torch's own threads already take every core it is given.
for i, arg in enumerate(sys.argv):
    if arg == "--blas-threads" and i + 1 < len(sys.argv):
        os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[i + 1]
    elif arg.startswith("--blas-threads="):
        os.environ["OPENBLAS_NUM_THREADS"] = arg.split("=", 1)[1]
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import ctypes
import gzip
import json
import statistics
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{stem} not found in {folder}")


def load(folder):
    """Images as N×1×28×28 floats normalized with the training set's mean/std (as our
    Preprocessing::fitted does), labels as int64."""
    x_train = read_idx(find(folder, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    y_train = read_idx(find(folder, "train-labels-idx1-ubyte")).astype(np.int64)
    x_test = read_idx(find(folder, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
    y_test = read_idx(find(folder, "t10k-labels-idx1-ubyte")).astype(np.int64)
    mean, std = float(x_train.mean()), float(x_train.std())
    norm = lambda x: torch.from_numpy(((x - mean) / std).reshape(-1, 1, 28, 28).copy())
    return norm(x_train), torch.from_numpy(y_train), norm(x_test), torch.from_numpy(y_test)


def make(name, classes=10):
    """The presets of engine/nn/model_spec.cpp, layer for layer."""
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, classes))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, classes))
    raise ValueError(f"unknown model {name}")


def train_epochs(model, x, y, epochs, batch, lr, seed):
    """Returns training samples per second (the loop only, data already in memory)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=g)
        for b in range(0, x.shape[0], batch):
            idx = order[b:b + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    return x.shape[0] * epochs / seconds, seconds


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for b in range(0, x.shape[0], 1000):
            correct += (model(x[b:b + 1000]).argmax(1) == y[b:b + 1000]).sum().item()
    return correct / x.shape[0]


def latency_ms(model, x, count):
    """Median of `count` single-image forward passes."""
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(count + 10):
            one = x[i % x.shape[0]: i % x.shape[0] + 1]
            t = time.perf_counter()
            model(one)
            if i >= 10:  # warm-up
                times.append((time.perf_counter() - t) * 1000.0)
    return statistics.median(times)


def openblas_info():
    """Which OpenBLAS kernel set (corename) and how many threads the loaded library runs: what
    OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS made of it. None when no OpenBLAS is loaded."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "libopenblas" in line or "/openblas" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            if not hasattr(lib, "openblas_get_corename"):
                continue
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {"library": path, "core": lib.openblas_get_corename().decode(),
                    "threads": int(lib.openblas_get_num_threads())}
    except OSError:
        pass
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (OpenMP / intra-op)")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS threads (default: $OPENBLAS_NUM_THREADS, else 1)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--models", default="mlp,lenet,cnn")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--latency-count", type=int, default=200)
    p.add_argument("--scaling-samples", type=int, default=12800,
                   help="training samples for the 1-thread rate (0: skip)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    # Our trainer flushes denormals to zero on its threads; do the same here for equal footing.
    torch.set_flush_denormal(True)
    x_train, y_train, x_test, y_test = load(a.data)
    out = {"torch_version": torch.__version__, "threads": a.threads,
           "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]), "openblas": openblas_info(),
           "epochs": a.epochs, "batch_size": a.batch_size, "train_size": int(x_train.shape[0]), "models": {}}
    for name in a.models.split(","):
        torch.set_num_threads(a.threads)
        model = make(name)
        params = sum(t.numel() for t in model.parameters())
        print(f"torch {name}: training {a.epochs} epoch(s) with {a.threads} threads, OpenBLAS on "
              f"{out['blas_threads']}", file=sys.stderr, flush=True)
        rate, seconds = train_epochs(model, x_train, y_train, a.epochs, a.batch_size, a.lr, a.seed)
        result = {"params": params, "train_samples_per_s": rate, "train_seconds": seconds,
                  "test_accuracy": accuracy(model, x_test, y_test)}
        torch.set_num_threads(1)
        result["latency_ms"] = latency_ms(model, x_test, a.latency_count)
        if a.scaling_samples > 0:
            n = min(a.scaling_samples, x_train.shape[0])
            result["train_samples_per_s_1thread"], _ = train_epochs(make(name), x_train[:n], y_train[:n], 1,
                                                                    a.batch_size, a.lr, a.seed)
        out["models"][name] = result
    print(json.dumps(out))


if __name__ == "__main__":
    main()
