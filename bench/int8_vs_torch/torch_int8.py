"""PyTorch's side of bench/int8_vs_torch: loads fedq's float model (.fdqm),
runs it as a torch MLP, quantizes it with torch.quantization.quantize_dynamic
(int8 weights, dynamic int8 activations) and reports accuracy, file size and
batch-1 / batch-256 throughput (wall and CPU, fastest of --repeats) for the
float and the int8 model as one JSON line. One thread; refuses to run unless
OpenBLAS is the BLAS torch loaded."""
import argparse
import gzip
import io
import json
import os
import struct
import time
import zlib

import numpy as np
import torch
from torch import nn


def load_fdqm(path):
    """fedq's float model file: magic FDQM, u32 version, u32 count, count
    u32 layer sizes, u64 parameter count, float32 parameters, u32 CRC-32,
    little-endian. Per layer: W (out x in, column-major), then b."""
    raw = open(path, "rb").read()
    if raw[:4] != b"FDQM":
        raise SystemExit(f"{path}: not an FDQM model")
    if zlib.crc32(raw[:-4]) != struct.unpack_from("<I", raw, len(raw) - 4)[0]:
        raise SystemExit(f"{path}: checksum mismatch")
    version, count = struct.unpack_from("<II", raw, 4)
    sizes = list(struct.unpack_from(f"<{count}I", raw, 12))
    (nparams,) = struct.unpack_from("<Q", raw, 12 + 4 * count)
    params = np.frombuffer(raw, dtype="<f4", count=nparams, offset=20 + 4 * count)
    layers, off = [], 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        w = params[off:off + i * o].reshape(i, o).T  # column-major out x in
        off += i * o
        b = params[off:off + o]
        off += o
        layers.append((np.ascontiguousarray(w), b.copy()))
    return sizes, layers


def build_mlp(layers):
    mods = []
    for k, (w, b) in enumerate(layers):
        lin = nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data = torch.from_numpy(w)
        lin.bias.data = torch.from_numpy(b)
        mods.append(lin)
        if k + 1 < len(layers):
            mods.append(nn.ReLU())
    return nn.Sequential(*mods).eval()


def load_idx(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    ndim = data[3]
    dims = struct.unpack_from(f">{ndim}I", data, 4)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_test(d):
    x = load_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784)
    y = load_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


def timed_pass(model, x, batch):
    cpu, wall = time.process_time(), time.perf_counter()
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            model(x[i:i + batch]).argmax(1)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return x.shape[0] / wall, x.shape[0] / cpu


def measure(model, x, y, batch1_rows, repeats):
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    out = {"accuracy": acc, "model_bytes": buf.getbuffer().nbytes}
    for batch, rows in ((1, batch1_rows), (256, x.shape[0])):
        best = [0.0, 0.0]
        for _ in range(repeats):
            best = [max(a, b) for a, b in zip(best, timed_pass(model, x[:rows], batch))]
        out[f"samples_per_second_batch{batch}"] = best[0]
        out[f"cpu_samples_per_second_batch{batch}"] = best[1]
    return out


def blas_libraries():
    with open("/proc/self/maps") as f:
        return sorted({os.path.basename(l.split()[-1]) for l in f if "blas" in l.lower()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--batch1-samples", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(1)
    sizes, layers = load_fdqm(a.model)
    x, y = load_test(a.data)
    fp32 = build_mlp(layers)
    int8 = torch.quantization.quantize_dynamic(fp32, {nn.Linear}, dtype=torch.qint8)
    with torch.no_grad():
        fp32(x[:256])  # loads the BLAS
    blas = blas_libraries()
    if not any("openblas" in b for b in blas):
        raise SystemExit(f"torch is not running on OpenBLAS (BLAS libraries loaded: {blas})")
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
        "quantized_engine": torch.backends.quantized.engine, "layers": sizes,
        "float": measure(fp32, x, y, a.batch1_samples, a.repeats),
        "int8": measure(int8, x, y, a.batch1_samples, a.repeats),
    }))


if __name__ == "__main__":
    main()
