#!/usr/bin/env python3
"""Summarises `ncu --csv --page raw --metrics ...` output (check.sh stage 5): the kernels in launch order with their
GPU time, SM clock, instructions and SM activity, and the total per kernel family."""
import collections
import csv
import sys

TIME = "gpu__time_duration.sum"
CLOCK = "sm__cycles_elapsed.avg.per_second"  # the SM clock while the kernel ran
INST = "smsp__inst_executed.sum"  # warp instructions
ACTIVE = "sm__cycles_active.avg"  # cycles an SM had a warp resident, averaged over SMs
ELAPSED = "sm__cycles_elapsed.avg"
SCALE = {"nsecond": 1.0, "usecond": 1e3, "msecond": 1e6, "second": 1e9,
         "hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9, "cycle/nsecond": 1e9, "cycle/usecond": 1e6,
         "cycle/second": 1.0}


def number(text):
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def main():
    with open(sys.argv[1], newline="") as f:
        lines = [line for line in f if line.startswith('"')]  # ncu's own messages are not CSV
    units = {}
    rows = []
    for r in csv.DictReader(lines):
        if number(r.get(TIME, "")) is None:  # the units row
            units = {k: SCALE.get((v or "").lower(), 1.0) for k, v in r.items()}
            continue
        get = lambda k: (number(r.get(k, "")) or 0.0) * units.get(k, 1.0)
        rows.append((r.get("Kernel Name", ""), get(TIME), get(CLOCK), get(INST), get(ACTIVE), get(ELAPSED),
                     r.get("Grid Size", "")))
    if not rows:
        print("ncu: no kernel rows (profiling not permitted here, or nothing launched)")
        return
    total = sum(r[1] for r in rows)
    print(f"{len(rows)} kernels, {total / 1000:.1f} us of GPU time in all (kernels only, back to back)")
    print("  #   kernel                     time  SM clock  warp instr  SM active  grid")
    for i, (name, t, clock, inst, active, elapsed, grid) in enumerate(rows):
        busy = f"{100 * active / elapsed:5.1f}%" if elapsed else "    -"
        print(f"  {i:3d} {name:22s} {t / 1000:8.2f} us  {clock / 1e6:5.0f} MHz  {inst:10.0f}  {busy}   {grid}")
    fam = collections.defaultdict(lambda: [0, 0.0])
    for name, t, *_ in rows:
        fam[name][0] += 1
        fam[name][1] += t
    for name, (n, t) in sorted(fam.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:22s} x{n:<3d} {t / 1000:8.1f} us  {100 * t / total:5.1f}%  (summed)")


if __name__ == "__main__":
    main()
