package io.edgert.device;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The machine edgert runs on, as detected by {@link DeviceDetector}: what device profiles match against and what
 * {@code edgert info} prints. Every source is optional (containers hide /sys, Android hides parts of /proc):
 * missing values are {@link #UNKNOWN}, -1 or empty, never an exception.
 *
 * @param os            operating system name and version ("Linux 6.1.0")
 * @param arch          normalized architecture: {@code x86_64}, {@code arm64}, or the JVM's {@code os.arch}
 * @param cpu           what {@code /proc/cpuinfo} says
 * @param features      ISA features by {@link IsaFeatures} name
 * @param featureSource where {@code features} came from: "native" (CPUID/HWCAP probe), "/proc/self/auxv" (arm64
 *                      HWCAP without the native library) or "/proc/cpuinfo"
 * @param logicalCpus   logical CPUs of the machine (online ones listed by the kernel)
 * @param availableCpus CPUs this process may use ({@code Runtime.availableProcessors()}, honours cgroup limits)
 * @param clusters      groups of same-kind cores; one for homogeneous machines, empty when unknown
 * @param caches        CPU 0's caches, L1 first
 * @param memory        physical memory
 * @param cuda          whether the CUDA backend could run, and why not
 */
public record Device(String os, String arch, CpuInfo cpu, Set<String> features, String featureSource,
                     int logicalCpus, int availableCpus, List<CoreCluster> clusters, List<CacheInfo> caches,
                     MemoryInfo memory, CudaStatus cuda) {
    public static final String UNKNOWN = "unknown";

    public Device {
        features = Set.copyOf(new java.util.LinkedHashSet<>(features));
        clusters = List.copyOf(clusters);
        caches = List.copyOf(caches);
    }

    /** Detects the machine this JVM runs on. Never throws. */
    public static Device detect() {
        return DeviceDetector.system().detect();
    }

    /** Features in canonical order (Set.copyOf does not keep insertion order). */
    public List<String> featureList() {
        List<String> r = new java.util.ArrayList<>();
        for (String f : IsaFeatures.knownNames()) {
            if (features.contains(f)) {
                r.add(f);
            }
        }
        return r;
    }

    public boolean hasFeature(String name) {
        return features.contains(name);
    }

    /** Whether the big.LITTLE question applies: more than one kind of core. */
    public boolean isHeterogeneous() {
        return clusters.size() > 1;
    }

    /** The size of the first cache at {@code level} that holds data (L1d, L2, L3), or -1. */
    public long cacheBytes(int level) {
        for (CacheInfo c : caches) {
            if (c.level() == level && !"Instruction".equals(c.type())) {
                return c.sizeBytes();
            }
        }
        return -1;
    }

    /** "48 KiB", "2 MiB", "23.4 GiB"; "unknown" for negative sizes. */
    public static String formatBytes(long bytes) {
        if (bytes < 0) {
            return UNKNOWN;
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }

    /** Normalizes the JVM's {@code os.arch} to the names profiles use. */
    public static String normalizeArch(String osArch) {
        if (osArch == null) {
            return UNKNOWN;
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
    }
}
