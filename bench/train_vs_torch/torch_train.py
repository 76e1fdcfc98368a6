"""PyTorch peer of `fedq-model bench-train`: the same 784-200-200-10 MLP, the
same SGD with momentum, batch and epoch, on one thread with OpenBLAS.
Prints one JSON object. Refuses to run (exit 3) unless libopenblas is mapped
into this process, so that the peer is the fast PyTorch."""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def openblas_mapped():
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "libopenblas" in line})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    # A product first, so that the BLAS library is loaded before the check.
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    blas = openblas_mapped()
    if not blas:
        print("torch_train.py: libopenblas is not loaded in this process; refusing to report",
              file=sys.stderr)
        sys.exit(3)

    x = torch.from_numpy(load_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
                         .reshape(-1, 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(load_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
                         .astype(np.int64))
    xt = torch.from_numpy(load_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
                          .reshape(-1, 784).astype(np.float32) / 255.0)
    yt = torch.from_numpy(load_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
                          .astype(np.int64))

    model = torch.nn.Sequential(torch.nn.Linear(784, 200), torch.nn.ReLU(),
                                torch.nn.Linear(200, 200), torch.nn.ReLU(),
                                torch.nn.Linear(200, 10))
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    n = x.shape[0]
    wall = time.perf_counter()
    cpu = time.process_time()
    for _ in range(args.epochs):
        perm = torch.randperm(n)
        for i in range(0, n, args.batch):
            idx = perm[i:i + args.batch]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    with torch.no_grad():
        accuracy = (model(xt).argmax(1) == yt).float().mean().item()
    samples = n * args.epochs
    print(json.dumps({"peer": "torch " + torch.__version__, "blas": blas, "batch": args.batch,
                      "threads": torch.get_num_threads(),
                      "samples_per_second": samples / wall,
                      "cpu_samples_per_second": samples / cpu,
                      "test_accuracy": accuracy}))


if __name__ == "__main__":
    main()
