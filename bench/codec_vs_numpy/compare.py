"""Runs fedq's codec_bench and a plain numpy int8 block codec in alternation
and reports medians. Called by ./run; prints the summary as its last line."""
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

BLOCK = 256
SIZES = (200_000, 10_000_000)


def np_encode(x):
    """Per-block absmax int8, round to nearest: the plain numpy way."""
    n = x.size
    full = n - n % BLOCK
    parts = [x[:full].reshape(-1, BLOCK)]
    if full < n:
        parts.append(x[full:].reshape(1, -1))
    out = []
    for b in parts:
        absmax = np.abs(b).max(axis=1)
        scale = absmax / np.float32(127)
        inv = np.divide(np.float32(127), absmax, out=np.zeros_like(absmax), where=absmax > 0)
        q = np.rint(b * inv[:, None]).astype(np.int8)
        out.append((scale, q))
    return out


def np_accumulate(blocks, weight, acc):
    """acc += weight * dequantized, block by block."""
    start = 0
    for scale, q in blocks:
        rows, cols = q.shape
        view = acc[start:start + rows * cols].reshape(rows, cols)
        view += (np.float32(weight) * scale)[:, None] * q
        start += rows * cols


def median_seconds(fn, samples=15):
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    reps = max(1, int(0.02 / max(once, 1e-7)))
    per_call = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        per_call.append((time.perf_counter() - t0) / reps)
    return statistics.median(per_call)


def numpy_round(n):
    rng = np.random.default_rng(42)
    x = rng.normal(0.0, 0.01, n).astype(np.float32)
    gb = 4.0 * n / 1e9
    blocks = np_encode(x)
    # Sanity: the numpy peer is the same codec (half-step error bound).
    dec = np.zeros(n, np.float32)
    np_accumulate(blocks, 1.0, dec)
    assert np.all(np.abs(dec - x) <= np.repeat(np.concatenate([s for s, _ in blocks]), BLOCK)[:n] * 0.5001 + 1e-30)
    acc = np.zeros(n, np.float32)
    enc = median_seconds(lambda: np_encode(x))
    accu = median_seconds(lambda: np_accumulate(blocks, 0.5, acc))
    return {"encode": gb / enc, "accumulate": gb / accu}


def fedq_round(binary):
    out = subprocess.run([binary] + [str(n) for n in SIZES], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
        res[int(fields["n"])] = {"encode": float(fields["int8_encode_gbps"]),
                                 "accumulate": float(fields["accumulate_gbps"]),
                                 "topk": float(fields["topk_int8_encode_gbps"]),
                                 "best_encode": float(fields["best_encode_gbps"]),
                                 "best_accumulate": float(fields["best_accumulate_gbps"])}
    return res


def main():
    binary = sys.argv[1]
    rounds = int(os.environ.get("ROUNDS", "5"))
    fedq = {n: {"encode": [], "accumulate": [], "topk": [], "best_encode": [], "best_accumulate": []}
            for n in SIZES}
    peer = {n: {"encode": [], "accumulate": []} for n in SIZES}
    for _ in range(rounds):
        for n, r in fedq_round(binary).items():
            for k, v in r.items():
                fedq[n][k].append(v)
        for n in SIZES:
            for k, v in numpy_round(n).items():
                peer[n][k].append(v)
    med = lambda xs: statistics.median(xs)
    print(f"numpy {np.__version__}, {rounds} rounds, GB/s of float32 input, medians, one thread")
    for n in SIZES:
        f, p = fedq[n], peer[n]
        print(f"n={n}: fedq int8 encode {med(f['encode']):.2f} (numpy {med(p['encode']):.2f}, "
              f"x{med(f['encode']) / med(p['encode']):.1f}); accumulate {med(f['accumulate']):.2f} "
              f"(numpy {med(p['accumulate']):.2f}, x{med(f['accumulate']) / med(p['accumulate']):.1f}); "
              f"topk:0.01+int8 encode {med(f['topk']):.2f}; fastest fedq samples: encode "
              f"{max(f['best_encode']):.2f}, accumulate {max(f['best_accumulate']):.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    n = SIZES[0]
    print(f"encode_gbps={med(fedq[n]['encode']):.2f} accumulate_gbps={med(fedq[n]['accumulate']):.2f} "
          f"speedup_vs_numpy={med(fedq[n]['encode']) / med(peer[n]['encode']):.2f}")


if __name__ == "__main__":
    main()
