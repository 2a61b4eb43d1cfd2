package io.edgert.device.profile;

import io.edgert.device.CoreCluster;
import io.edgert.device.CpuInfo;
import io.edgert.device.CudaStatus;
import io.edgert.device.Device;
import io.edgert.device.MemoryInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Synthetic device descriptions: the boards and servers the built-in profiles are for. */
final class Devices {
    private Devices() {
    }

    static final CudaStatus NO_CUDA = new CudaStatus(false, "no NVIDIA driver", Device.UNKNOWN, List.of());

    static CudaStatus gpu(String name) {
        return new CudaStatus(true, name, "NVRM 550", List.of(name));
    }

    static Device x86(String model, int cpus, CudaStatus cuda, String... features) {
        CpuInfo cpu = new CpuInfo("GenuineIntel", model, 6, 143, 8, Device.UNKNOWN, cores(cpus, -1, -1), Set.of());
        return new Device("Linux 6.1", "x86_64", cpu, Set.of(features), "native", cpus, cpus,
                List.of(new CoreCluster(range(0, cpus), -1, 3_000_000, Device.UNKNOWN)), List.of(),
                MemoryInfo.UNKNOWN, cuda);
    }

    /** An arm64 SoC: {@code parts[i]} cores of MIDR part {@code partIds[i]}, the last cluster the biggest. */
    static Device arm(String os, int[] partIds, int[] counts, CudaStatus cuda, String... features) {
        List<CpuInfo.Core> cores = new ArrayList<>();
        List<CoreCluster> clusters = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < partIds.length; c++) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < counts[c]; i++) {
                cores.add(new CpuInfo.Core(n, 0x41, partIds[c], 0, 1));
                ids.add(n++);
            }
            clusters.add(new CoreCluster(ids, 1024 * (c + 1) / partIds.length, 1_000_000L * (c + 1),
                    cores.get(cores.size() - 1).partName()));
        }
        CpuInfo cpu = new CpuInfo("ARM", cores.get(cores.size() - 1).partName(), -1, -1, -1, Device.UNKNOWN, cores,
                Set.of());
        return new Device(os, "arm64", cpu, Set.of(features), "native", n, n, clusters, List.of(), MemoryInfo.UNKNOWN,
                cuda);
    }

    private static List<CpuInfo.Core> cores(int n, int implementer, int part) {
        List<CpuInfo.Core> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(new CpuInfo.Core(i, implementer, part, -1, -1));
        }
        return r;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    static final String[] AVX2 = {"sse4.1", "avx2", "fma"};
    static final String[] AVX512VNNI = {"sse4.1", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512vnni"};

    static final String[] AMX = {"sse4.1", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512vnni", "amx-int8"};

    static Device plainX86() {
        return x86("QEMU Virtual CPU", 4, NO_CUDA, "sse4.1");
    }

    static Device haswell() {
        return x86("Intel(R) Core(TM) i7-4770", 8, NO_CUDA, AVX2);
    }

    /** A laptop core with AVX-VNNI and no AVX-512. */
    static Device alderLake() {
        return x86("12th Gen Intel(R) Core(TM) i7-1260P", 16, NO_CUDA, "sse4.1", "avx2", "fma", "avxvnni");
    }

    static Device icelake() {
        return x86("Intel(R) Xeon(R) Platinum 8375C", 16, NO_CUDA, AVX512VNNI);
    }

    static Device sapphireRapids() {
        return x86("Intel(R) Xeon(R) Platinum 8468", 32, NO_CUDA, AMX);
    }

    static Device raspberryPi4() {
        return arm("Linux 6.6", new int[] {0xd08}, new int[] {4}, NO_CUDA, "asimd");
    }

    static Device raspberryPi5() {
        return arm("Linux 6.6", new int[] {0xd0b}, new int[] {4}, NO_CUDA, "asimd", "dotprod");
    }

    static Device graviton3() {
        return arm("Linux 6.1", new int[] {0xd40}, new int[] {8}, NO_CUDA, "asimd", "dotprod", "i8mm", "sve");
    }

    /** A phone: 4 Cortex-A55 (0xd05) + 3 A78 + 1 X1. */
    static Device pixel6() {
        return arm("Android (Linux 5.10)", new int[] {0xd05, 0xd41, 0xd44}, new int[] {4, 2, 2}, NO_CUDA, "asimd",
                "dotprod");
    }

    static Device jetsonOrin() {
        return arm("Linux 5.15-tegra", new int[] {0xd42}, new int[] {12}, gpu("Orin (nvgpu)"), "asimd", "dotprod");
    }

    /** Grace Hopper: Neoverse V2 with an H100; arm64 with a newer GPU than Orin's, yet no Jetson. */
    static Device gh200() {
        return arm("Linux 6.5", new int[] {0xd4f}, new int[] {72}, gpu("NVIDIA GH200 480GB"), "asimd", "dotprod",
                "i8mm", "sve");
    }

    static Device dgxA100() {
        return x86("AMD EPYC 7742 64-Core Processor", 128, gpu("NVIDIA A100-SXM4-80GB"), AVX2);
    }

    static Device h100Server() {
        return x86("Intel(R) Xeon(R) Platinum 8480+", 112, gpu("NVIDIA H100 80GB HBM3"), AVX512VNNI);
    }

    static Device h100OnZen3() {
        return x86("AMD EPYC 7763 64-Core Processor", 128, gpu("NVIDIA H100 PCIe"), AVX2);
    }

    static Device t4Server() {
        return x86("Intel(R) Xeon(R) CPU @ 2.20GHz", 8, gpu("Tesla T4"), AVX512VNNI);
    }
}
