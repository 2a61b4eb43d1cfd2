#!/usr/bin/env python3
"""PyTorch fp16 eager MobileNetV2 (torchvision, random weights) on the GPU: the same end-to-end measurement as
GpuCheck bench (host input copied in, output copied back, synchronized), batch sizes from --batches."""
import argparse
import statistics
import time

import torch
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("torch: CUDA not available")
        return
    dev = torch.device("cuda")
    model = torchvision.models.mobilenet_v2(weights=None).half().to(dev).eval()
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    for batch in [int(b) for b in args.batches.split(",")]:
        x_host = torch.randn(batch, 3, 224, 224).half().pin_memory()
        with torch.inference_mode():
            for _ in range(20):
                model(x_host.to(dev, non_blocking=True)).cpu()
            torch.cuda.synchronize()
            times = []
            end = time.perf_counter() + args.seconds
            while time.perf_counter() < end or len(times) < 10:
                t0 = time.perf_counter()
                model(x_host.to(dev, non_blocking=True)).cpu()
                times.append(time.perf_counter() - t0)
        times.sort()
        median = times[len(times) // 2] * 1e3
        p90 = times[int(len(times) * 0.9)] * 1e3
        print(f"bench    torch  batch {batch:<3d} fp16 eager      median {median:8.3f} ms  p90 {p90:8.3f} ms  "
              f"{batch * 1000.0 / median:9.1f} inferences/s  ({len(times)} runs)")


if __name__ == "__main__":
    main()
