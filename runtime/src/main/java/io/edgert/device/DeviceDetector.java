package io.edgert.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Reads a {@link Device} from {@code /proc}, {@code /sys} and the native CPU-feature probe. The file-system root is
 * a parameter so tests can point it at canned trees (an arm64 board, a container without {@code /sys}).
 * Every read is best-effort: an unreadable or malformed source leaves its fields unknown.
 *
 * <p>Sticks to java.base APIs that Android has (no String.lines/isBlank, no Stream.toList): the runtime runs there.
 */
public final class DeviceDetector {
    // java.util.logging, not System.Logger: Android (API 26) has no System.Logger
    private static final Logger LOG = Logger.getLogger(DeviceDetector.class.getName());
    private static final Pattern CPU_DIR = Pattern.compile("cpu[0-9]+");
    private static final String CUDA_DRIVER = "libcuda.so.1";
    /** Auxiliary-vector entry types (elf.h). */
    private static final long AT_NULL = 0;
    private static final long AT_HWCAP = 16;
    private static final long AT_HWCAP2 = 26;
    /**
     * Where the NVIDIA driver puts libcuda on Debian/Ubuntu, RHEL, the CUDA toolkit's compat package, the NVIDIA
     * container toolkit and WSL2. Searched as files, never dlopen'ed.
     */
    private static final List<String> DRIVER_DIRS = List.of("usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu",
            "usr/lib64", "usr/lib", "lib64", "usr/local/cuda/lib64", "usr/local/cuda/compat", "usr/local/nvidia/lib64",
            "usr/local/nvidia/lib", "usr/lib/wsl/lib");

    private final Path root;
    private final String os;
    private final String arch;
    private final int availableCpus;
    private final Supplier<OptionalLong> nativeFeatures;
    private final List<Path> extraLibraryDirs;

    /**
     * @param root             where {@code proc/}, {@code sys/}, {@code dev/} and the library directories are
     * @param os               operating system description
     * @param arch             normalized architecture
     * @param availableCpus    CPUs this process may use
     * @param nativeFeatures   the native feature probe's bits, or empty when it cannot run
     * @param extraLibraryDirs searched for the CUDA driver before the standard directories (LD_LIBRARY_PATH)
     */
    public DeviceDetector(Path root, String os, String arch, int availableCpus, Supplier<OptionalLong> nativeFeatures,
                          List<Path> extraLibraryDirs) {
        this.root = Objects.requireNonNull(root, "root");
        this.os = os;
        this.arch = arch;
        this.availableCpus = availableCpus;
        this.nativeFeatures = nativeFeatures;
        this.extraLibraryDirs = List.copyOf(extraLibraryDirs);
    }

    /** The detector for this JVM's machine. */
    public static DeviceDetector system() {
        List<Path> ldPath = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.trim().isEmpty()) {
                    ldPath.add(Paths.get(d));
                }
            }
        }
        String os = System.getProperty("os.name", Device.UNKNOWN) + " " + System.getProperty("os.version", "");
        // Android's runtime reports os.name "Linux"; device profiles tell it apart (match.os) by this prefix.
        String vm = System.getProperty("java.vm.name", "") + " " + System.getProperty("java.vendor", "");
        if (vm.contains("Dalvik") || vm.contains("Android")) {
            os = "Android (" + os.trim() + ")";
        }
        return new DeviceDetector(Paths.get("/"), os.trim(), Device.normalizeArch(System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors(), DeviceDetector::probeNative, ldPath);
    }

    public Device detect() {
        CpuInfo cpu = CpuInfoParser.parse(read("proc/cpuinfo"));
        Set<String> features;
        String featureSource;
        OptionalLong bits = safeNativeFeatures();
        Set<String> auxv;
        if (bits.isPresent() && bits.getAsLong() != 0) {
            features = IsaFeatures.fromNativeBits(bits.getAsLong());
            featureSource = "native";
        } else if ("arm64".equals(arch) && (auxv = auxvFeatures()) != null) {
            features = auxv;
            featureSource = "/proc/self/auxv";
        } else {
            features = IsaFeatures.fromCpuinfoFlags(cpu.flags());
            featureSource = cpu.flags().isEmpty() ? Device.UNKNOWN : "/proc/cpuinfo";
        }
        int logical = CpuList.parse(read("sys/devices/system/cpu/online")).size();
        if (logical == 0) {
            logical = cpu.processors().isEmpty() ? availableCpus : cpu.processors().size();
        }
        return new Device(os, arch, cpu, features, featureSource, logical, availableCpus, clusters(cpu), caches(),
                MemoryInfo.parse(read("proc/meminfo")), cuda());
    }

    private OptionalLong safeNativeFeatures() {
        try {
            return nativeFeatures.get();
        } catch (RuntimeException | LinkageError e) {
            return OptionalLong.empty();
        }
    }

    /**
     * CPUID (x86) or HWCAP (arm64) feature bits from libjniedgert. The library is linked with {@code -z defs}, so
     * when it loads every function it declares is there; a missing library only means falling back to
     * /proc/cpuinfo.
     */
    static OptionalLong probeNative() {
        try {
            return OptionalLong.of(io.edgert.jni.NativePlan.edgert_cpu_features());
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.FINE, "native CPU feature probe unavailable, using /proc/cpuinfo: " + e);
            return OptionalLong.empty();
        }
    }


    /**
     * arm64 without the native library: the kernel's HWCAP words from this process's auxiliary vector, the same
     * source as the native probe. Preferred over /proc/cpuinfo because under qemu-user (emulated arm64 on x86)
     * /proc/cpuinfo is the host's while qemu emulates /proc/self/auxv for the guest CPU. Null when unreadable or
     * without AT_HWCAP.
     */
    private Set<String> auxvFeatures() {
        byte[] raw;
        try {
            raw = Files.readAllBytes(root.resolve("proc/self/auxv"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // (type, value) pairs of 64-bit little-endian words (arm64), ending with AT_NULL.
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Long hwcap = null;
        long hwcap2 = 0;
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AT_NULL) {
                break;
            } else if (type == AT_HWCAP) {
                hwcap = value;
            } else if (type == AT_HWCAP2) {
                hwcap2 = value;
            }
        }
        return hwcap == null ? null : IsaFeatures.fromArm64Hwcap(hwcap, hwcap2);
    }

    // ---- clusters ----

    private List<CoreCluster> clusters(CpuInfo cpu) {
        Map<Integer, String> partByCpu = new LinkedHashMap<>();
        for (CpuInfo.Core c : cpu.processors()) {
            partByCpu.put(c.processor(), c.partName());
        }
        Path cpuDir = root.resolve("sys/devices/system/cpu");
        List<Integer> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cpuDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (CPU_DIR.matcher(n).matches()) {
                    ids.add(Integer.parseInt(n.substring(3)));
                }
            }
        } catch (IOException | RuntimeException e) {
            ids.clear();
        }
        ids.sort(Comparator.naturalOrder());
        if (ids.isEmpty()) {
            ids.addAll(partByCpu.keySet());
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        // Same capacity, frequency and core type = same cluster; insertion order keeps the first-seen CPUs first.
        Map<ClusterKey, List<Integer>> groups = new LinkedHashMap<>();
        for (int id : ids) {
            int capacity = (int) readLong("sys/devices/system/cpu/cpu" + id + "/cpu_capacity");
            long freq = readLong("sys/devices/system/cpu/cpu" + id + "/cpufreq/cpuinfo_max_freq");
            String part = partByCpu.getOrDefault(id, Device.UNKNOWN);
            groups.computeIfAbsent(new ClusterKey(capacity, freq, part), k -> new ArrayList<>()).add(id);
        }
        List<CoreCluster> r = new ArrayList<>();
        groups.forEach((k, cpus) -> r.add(new CoreCluster(cpus, k.capacity(), k.maxFreqKHz(), k.part())));
        return r;
    }

    private record ClusterKey(int capacity, long maxFreqKHz, String part) {
    }

    // ---- caches ----

    private List<CacheInfo> caches() {
        Path dir = root.resolve("sys/devices/system/cpu/cpu0/cache");
        List<CacheInfo> r = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "index*")) {
            for (Path p : ds) {
                String base = root.relativize(p).toString();
                int level = (int) readLong(base + "/level");
                String type = read(base + "/type");
                long size = parseSize(read(base + "/size"));
                if (level > 0 && type != null && size > 0) {
                    r.add(new CacheInfo(level, type.trim(), size));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        r.sort(Comparator.comparingInt(CacheInfo::level).thenComparing(CacheInfo::type));
        return r;
    }

    /** sysfs cache sizes: "48K", "2048K", "30M". */
    static long parseSize(String s) {
        if (s == null || s.trim().isEmpty()) {
            return -1;
        }
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            mult = last == 'K' ? 1024L : last == 'M' ? 1024L * 1024 : 1024L * 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t.trim()) * mult;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- CUDA ----

    private CudaStatus cuda() {
        Path lib = null;
        List<Path> dirs = new ArrayList<>(extraLibraryDirs);
        for (String d : DRIVER_DIRS) {
            dirs.add(root.resolve(d));
        }
        for (Path d : dirs) {
            if (Files.exists(d.resolve(CUDA_DRIVER))) {
                lib = d.resolve(CUDA_DRIVER);
                break;
            }
        }
        if (lib == null) {
            return new CudaStatus(false, "no NVIDIA driver: " + CUDA_DRIVER + " not found (searched "
                    + (extraLibraryDirs.isEmpty() ? "" : "LD_LIBRARY_PATH and ") + DRIVER_DIRS.size()
                    + " system library directories)", Device.UNKNOWN, List.of());
        }
        String version = read("proc/driver/nvidia/version");
        String versionLine = version == null ? Device.UNKNOWN : version.split("\n", 2)[0].trim();
        boolean wsl = Files.exists(root.resolve("dev/dxg"));
        if (version == null && !wsl && !Files.exists(root.resolve("dev/nvidiactl"))) {
            return new CudaStatus(false, CUDA_DRIVER + " found at " + lib
                    + " but the NVIDIA kernel driver is not loaded (no /proc/driver/nvidia/version, no /dev/nvidiactl)",
                    Device.UNKNOWN, List.of());
        }
        List<String> gpus = gpuNames();
        if (gpus.isEmpty() && !wsl && !Files.exists(root.resolve("dev/nvidia0"))) {
            return new CudaStatus(false, "NVIDIA driver present but no GPU visible (no /dev/nvidia0)", versionLine,
                    gpus);
        }
        String what = gpus.isEmpty() ? (wsl ? "WSL2 GPU" : "/dev/nvidia0") : String.join(", ", gpus);
        return new CudaStatus(true, what + " (driver " + CUDA_DRIVER + " at " + lib + ")", versionLine, gpus);
    }

    private List<String> gpuNames() {
        Path dir = root.resolve("proc/driver/nvidia/gpus");
        List<String> r = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String info = read(root.relativize(p.resolve("information")).toString());
                if (info == null) {
                    continue;
                }
                for (String line : info.split("\n")) {
                    if (line.startsWith("Model:")) {
                        r.add(line.substring(6).trim());
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return r;
        }
        return r;
    }

    // ---- file helpers ----

    /** The file's text, or null when it is missing or unreadable. */
    private String read(String relative) {
        try {
            Path p = root.resolve(relative);
            // /proc and /sys files report size 0, so read them as streams rather than by size.
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private long readLong(String relative) {
        String s = read(relative);
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Lets the CLI say which directories were searched for the driver. */
    public static List<String> driverDirectories() {
        List<String> r = new ArrayList<>();
        for (String d : DRIVER_DIRS) {
            r.add("/" + d);
        }
        return r;
    }
}
