"""Summarizes bench/int8_vs_torch: per model, accuracy, file size and the
fastest batch-1 / batch-256 throughput seen over the interleaved runs, on
CPU time (the ratios use it: the machines are shared, and CPU time is what
load disturbs least) with wall-clock beside. Last line:
  int8_speedup_vs_torch_int8=X   fedq int8 / torch int8, batch 256
  batch1_speedup_vs_torch_best=W fedq int8 / max(torch float, torch int8), batch 1
  accuracy_drop_points=Y         fedq float accuracy - fedq int8 accuracy, in points
  size_ratio=Z                   fedq .fdqm bytes / .q8 bytes
"""
import json
import sys


def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def best(runs, key):
    return max(r[key] for r in runs)


def summarize(runs):
    keys = ["samples_per_second_batch1", "samples_per_second_batch256",
            "cpu_samples_per_second_batch1", "cpu_samples_per_second_batch256"]
    s = {k: best(runs, k) for k in keys}
    s["accuracy"] = runs[0]["accuracy"]
    s["model_bytes"] = runs[0]["model_bytes"]
    return s


def main(d):
    torch_runs = lines(f"{d}/torch.jsonl")
    rows = {
        "fedq float (.fdqm)": summarize(lines(f"{d}/fedq_model.fdqm.jsonl")),
        "fedq int8 dynamic (.q8)": summarize(lines(f"{d}/fedq_dynamic.q8.jsonl")),
        "fedq int8 static (.q8)": summarize(lines(f"{d}/fedq_static.q8.jsonl")),
        "torch float": summarize([r["float"] for r in torch_runs]),
        "torch int8 quantize_dynamic": summarize([r["int8"] for r in torch_runs]),
    }
    t = torch_runs[0]
    kernel = lines(f"{d}/fedq_dynamic.q8.jsonl")[0].get("int8_kernel")
    print(f"torch {t['torch']}, {t['threads']} thread, BLAS {', '.join(t['blas'])}, "
          f"quantized engine {t['quantized_engine']}; fedq int8 kernel {kernel}; "
          f"{len(torch_runs)} interleaved runs, fastest kept")
    print(f"{'model':30} {'accuracy':>9} {'bytes':>9} {'b1 cpu/s':>10} {'b256 cpu/s':>11}"
          f" {'b1 wall/s':>10} {'b256 wall/s':>11} {'10k@256 ms':>10}")
    for name, s in rows.items():
        print(f"{name:30} {s['accuracy']:9.4f} {s['model_bytes']:9d}"
              f" {s['cpu_samples_per_second_batch1']:10.0f}"
              f" {s['cpu_samples_per_second_batch256']:11.0f}"
              f" {s['samples_per_second_batch1']:10.0f} {s['samples_per_second_batch256']:11.0f}"
              f" {1e7 / s['cpu_samples_per_second_batch256']:10.1f}")
    f32, q8 = rows["fedq float (.fdqm)"], rows["fedq int8 dynamic (.q8)"]
    tf, tq = rows["torch float"], rows["torch int8 quantize_dynamic"]
    b1, b256 = "cpu_samples_per_second_batch1", "cpu_samples_per_second_batch256"
    x = q8[b256] / tq[b256]
    w = q8[b1] / max(tf[b1], tq[b1])
    y = 100.0 * (f32["accuracy"] - q8["accuracy"])
    z = f32["model_bytes"] / q8["model_bytes"]
    wall_x = q8["samples_per_second_batch256"] / tq["samples_per_second_batch256"]
    wall_w = q8["samples_per_second_batch1"] / max(tf["samples_per_second_batch1"],
                                                   tq["samples_per_second_batch1"])
    print(f"on wall-clock instead: int8 speedup {wall_x:.2f}, batch-1 speedup {wall_w:.2f}")
    print(f"int8_speedup_vs_torch_int8={x:.2f} batch1_speedup_vs_torch_best={w:.2f} "
          f"accuracy_drop_points={y:.2f} size_ratio={z:.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
