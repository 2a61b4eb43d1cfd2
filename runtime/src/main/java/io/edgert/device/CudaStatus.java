package io.edgert.device;

import java.util.List;

/**
 * Whether edgert's CUDA backend could run here, found without loading anything: a crashing or hanging driver
 * library must not take {@code edgert info} down with it, so this looks for the driver library file, the kernel
 * driver's {@code /proc/driver/nvidia} entries and the device nodes instead of calling {@code cuInit}.
 *
 * @param usable        true when the driver library, the kernel driver and at least one GPU are present
 * @param reason        why not ("no NVIDIA driver: libcuda.so.1 not found in ..."), or what was found
 * @param driverVersion the kernel driver's version line, or unknown
 * @param gpus          GPU model names from {@code /proc/driver/nvidia/gpus/{@literal *}/information}
 */
public record CudaStatus(boolean usable, String reason, String driverVersion, List<String> gpus) {
    public CudaStatus {
        gpus = List.copyOf(gpus);
    }

    @Override
    public String toString() {
        return (usable ? "usable: " : "unusable: ") + reason;
    }
}
