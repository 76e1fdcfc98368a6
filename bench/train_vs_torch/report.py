"""Summarizes bench/train_vs_torch runs: one JSON line per run and side in
<dir>/{fedq,torch}_{32,64}.jsonl. The last line printed is the budget's
figure, speedup_vs_torch=X at batch 32."""
import json
import statistics
import sys

# 2 FLOPs per multiply-add: forward, weight gradient, and the error for
# every layer but the first (784-200-200-10).
SIZES = [784, 200, 200, 10]
FLOPS_PER_SAMPLE = sum(2 * a * b * (2 if i == 0 else 3)
                       for i, (a, b) in enumerate(zip(SIZES, SIZES[1:])))


def rates(path, key):
    out = []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            value = row[key]
            out.extend(value if isinstance(value, list) else [value])
    return out


def side(name, values):
    return (f"{name}: median {statistics.median(values):,.0f} samples/s "
            f"(min {min(values):,.0f}, max {max(values):,.0f}, n={len(values)})")


def main():
    d = sys.argv[1]
    ratio = {}
    for batch in (32, 64):
        fedq = rates(f"{d}/fedq_{batch}.jsonl", "samples_per_second")
        torch = rates(f"{d}/torch_{batch}.jsonl", "samples_per_second")
        fedq_cpu = rates(f"{d}/fedq_{batch}.jsonl", "cpu_samples_per_second")
        torch_cpu = rates(f"{d}/torch_{batch}.jsonl", "cpu_samples_per_second")
        ratio[batch] = statistics.median(fedq) / statistics.median(torch)
        print(f"batch {batch}:")
        print("  " + side("fedq ", fedq))
        print("  " + side("torch", torch))
        print(f"  fedq achieved {statistics.median(fedq) * FLOPS_PER_SAMPLE / 1e9:.1f} GFLOP/s "
              f"({FLOPS_PER_SAMPLE} FLOP/sample)")
        print(f"  by CPU time (less sensitive to other load): fedq "
              f"{statistics.median(fedq_cpu):,.0f}, torch {statistics.median(torch_cpu):,.0f} "
              f"samples/s, ratio {statistics.median(fedq_cpu) / statistics.median(torch_cpu):.2f}")
    with open(f"{d}/torch_32.jsonl") as f:
        peer = json.loads(f.readline())
    print(f"peer: {peer['peer']}, threads {peer['threads']}, BLAS {', '.join(peer['blas'])}")
    print(f"speedup_vs_torch_batch64={ratio[64]:.2f}")
    print(f"speedup_vs_torch={ratio[32]:.2f}")


if __name__ == "__main__":
    main()
