#!/usr/bin/env python3
"""Summarises `ncu --csv --page raw --metrics gpu__time_duration.sum` output (check.sh stage 5): the kernels in
launch order with their GPU time, and the total per kernel family."""
import collections
import csv
import sys


def main():
    rows = []
    with open(sys.argv[1], newline="") as f:
        lines = [line for line in f if line.startswith('"')]  # ncu's own messages are not CSV
    scale = 1.0  # to ns; the row after the header gives the metric's unit
    for r in csv.DictReader(lines):
        name = r.get("Kernel Name", "")
        value = r.get("gpu__time_duration.sum", "").replace(",", "")
        try:
            rows.append((name, float(value) * scale, r.get("Grid Size", ""), r.get("Block Size", "")))
        except ValueError:
            scale = {"nsecond": 1.0, "usecond": 1e3, "msecond": 1e6, "second": 1e9}.get(value, scale)
    if not rows:
        print("ncu: no kernel rows (profiling not permitted here, or nothing launched)")
        return
    total = sum(t for _, t, _, _ in rows)
    print(f"{len(rows)} kernels, {total / 1000:.1f} us of GPU time in all (kernels only, back to back)")
    for i, (name, t, grid, block) in enumerate(rows):
        print(f"  {i:3d} {name:22s} {t / 1000:8.2f} us  grid {grid} block {block}")
    fam = collections.defaultdict(lambda: [0, 0.0])
    for name, t, _, _ in rows:
        fam[name][0] += 1
        fam[name][1] += t
    for name, (n, t) in sorted(fam.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:22s} x{n:<3d} {t / 1000:8.1f} us  {100 * t / total:5.1f}%  (summed)")


if __name__ == "__main__":
    main()
