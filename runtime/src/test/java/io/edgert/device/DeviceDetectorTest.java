package io.edgert.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceDetectorTest {
    @TempDir
    Path root;

    private void write(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private Device detect(OptionalLong nativeBits) {
        return new DeviceDetector(root, "Linux test", "arm64", 8, () -> nativeBits, List.of()).detect();
    }

    @Test
    void thisMachineGivesSaneValues() {
        Device d = Device.detect();
        assertTrue(d.logicalCpus() >= 1, "logical cpus " + d.logicalCpus());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.availableCpus());
        assertEquals(Device.normalizeArch(System.getProperty("os.arch")), d.arch());
        assertFalse(d.cuda().reason().isBlank());
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            assertNotEquals(Device.UNKNOWN, d.cpu().modelName());
            assertFalse(d.features().isEmpty(), "features from native probe or /proc/cpuinfo");
            if (d.arch().equals("x86_64")) {
                assertTrue(d.hasFeature("sse4.1") || d.hasFeature("avx2"), "an x86-64 server has SSE4.1: " + d.features());
            }
        }
        if (Files.isReadable(Path.of("/proc/meminfo"))) {
            assertTrue(d.memory().totalBytes() > 64L << 20, d.memory().toString());
            assertTrue(d.memory().availableBytes() <= d.memory().totalBytes());
        }
        if (Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cache"))) {
            assertTrue(d.cacheBytes(1) >= 8 * 1024, "L1d " + d.caches());
        }
        assertFalse(d.clusters().isEmpty());
        assertEquals(d.logicalCpus(), d.clusters().stream().mapToInt(c -> c.cpus().size()).sum());
    }

    @Test
    void containerWithoutSysFallsBackToCpuinfoAndNeverThrows() throws IOException {
        write("proc/cpuinfo", CpuInfoParserTest.canned("cpuinfo-arm64-cortex-a72.txt"));
        write("proc/meminfo", "MemTotal:        3884328 kB\nMemFree:  100 kB\nMemAvailable:    3212000 kB\n");
        Device d = detect(OptionalLong.empty());
        assertEquals("Cortex-A72", d.cpu().modelName());
        assertEquals("/proc/cpuinfo", d.featureSource());
        assertEquals(List.of("asimd"), d.featureList());
        assertEquals(4, d.logicalCpus());
        assertEquals(List.of(), d.caches());
        assertEquals(1, d.clusters().size());
        assertEquals(List.of(0, 1, 2, 3), d.clusters().get(0).cpus());
        assertEquals(-1, d.clusters().get(0).maxFreqKHz());
        assertEquals(3884328L * 1024, d.memory().totalBytes());
        assertEquals(3212000L * 1024, d.memory().availableBytes());
        assertFalse(d.cuda().usable());
        assertTrue(d.cuda().reason().startsWith("no NVIDIA driver: libcuda.so.1 not found"), d.cuda().reason());
    }

    @Test
    void emptyRootIsAllUnknown() {
        Device d = detect(OptionalLong.empty());
        assertEquals(Device.UNKNOWN, d.cpu().modelName());
        assertEquals(Device.UNKNOWN, d.featureSource());
        assertEquals(8, d.logicalCpus());
        assertEquals(List.of(), d.clusters());
        assertEquals(MemoryInfo.UNKNOWN, d.memory());
        assertEquals(-1, d.cacheBytes(2));
    }

    @Test
    void bigLittleClustersFromCapacityAndFrequency() throws IOException {
        write("proc/cpuinfo", CpuInfoParserTest.canned("cpuinfo-arm64-rk3588.txt"));
        write("sys/devices/system/cpu/online", "0-7\n");
        for (int c = 0; c < 8; c++) {
            boolean big = c >= 4;
            write("sys/devices/system/cpu/cpu" + c + "/cpu_capacity", big ? "1024\n" : "414\n");
            write("sys/devices/system/cpu/cpu" + c + "/cpufreq/cpuinfo_max_freq", big ? "2400000\n" : "1800000\n");
        }
        write("sys/devices/system/cpu/cpu0/cache/index0/level", "1\n");
        write("sys/devices/system/cpu/cpu0/cache/index0/type", "Data\n");
        write("sys/devices/system/cpu/cpu0/cache/index0/size", "32K\n");
        write("sys/devices/system/cpu/cpu0/cache/index2/level", "3\n");
        write("sys/devices/system/cpu/cpu0/cache/index2/type", "Unified\n");
        write("sys/devices/system/cpu/cpu0/cache/index2/size", "3072K\n");
        Device d = detect(OptionalLong.empty());
        assertTrue(d.isHeterogeneous());
        assertEquals(2, d.clusters().size());
        CoreCluster little = d.clusters().get(0);
        CoreCluster big = d.clusters().get(1);
        assertEquals(List.of(0, 1, 2, 3), little.cpus());
        assertEquals("Cortex-A55", little.coreName());
        assertEquals(414, little.capacity());
        assertEquals(List.of(4, 5, 6, 7), big.cpus());
        assertEquals(2_400_000, big.maxFreqKHz());
        assertEquals("4 cpus 4-7 Cortex-A76 @ 2.40 GHz capacity 1024", big.toString());
        assertEquals(32 * 1024, d.cacheBytes(1));
        assertEquals(3 * 1024 * 1024, d.cacheBytes(3));
        assertEquals("L1d 32 KiB", d.caches().get(0).toString());
    }

    /** (type, value) pairs of 64-bit little-endian words, AT_NULL last: the arm64 layout of /proc/self/auxv. */
    private void writeAuxv(long... pairs) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * pairs.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : pairs) {
            b.putLong(v);
        }
        Path p = root.resolve("proc/self/auxv");
        Files.createDirectories(p.getParent());
        Files.write(p, b.array());
    }

    @Test
    void withoutNativeArm64FeaturesComeFromAuxvNotTheHostCpuinfoOfQemuUser() throws IOException {
        // qemu-user: /proc/cpuinfo is the x86 host's, /proc/self/auxv is emulated for the guest CPU (here: -cpu max)
        write("proc/cpuinfo", CpuInfoParserTest.canned("cpuinfo-x86_64-xeon.txt"));
        long hwcap = (1L << 1) | (1L << 20) | (1L << 3);  // ASIMD, ASIMDDP, and AES, which edgert does not report
        writeAuxv(6, 4096, 16, hwcap, 26, 1L << 13, 33, 0x7fff0000L);  // AT_PAGESZ, AT_HWCAP, AT_HWCAP2, AT_SYSINFO_EHDR
        Device d = detect(OptionalLong.empty());
        assertEquals("/proc/self/auxv", d.featureSource());
        assertEquals(List.of("asimd", "dotprod", "i8mm"), d.featureList());
    }

    @Test
    void auxvWithoutHwcapFallsBackToCpuinfo() throws IOException {
        write("proc/cpuinfo", CpuInfoParserTest.canned("cpuinfo-arm64-cortex-a76.txt"));
        writeAuxv(6, 4096);
        Device d = detect(OptionalLong.empty());
        assertEquals("/proc/cpuinfo", d.featureSource());
        assertTrue(d.hasFeature("dotprod"), d.features().toString());
    }

    @Test
    void nativeProbeWinsOverCpuinfo() throws IOException {
        write("proc/cpuinfo", CpuInfoParserTest.canned("cpuinfo-arm64-cortex-a72.txt"));
        Device d = detect(OptionalLong.of((1L << 16) | (1L << 17) | (1L << 18)));
        assertEquals("native", d.featureSource());
        assertEquals(List.of("asimd", "dotprod", "i8mm"), d.featureList());
    }

    @Test
    void cudaDriverFilesWithoutLoadingThem() throws IOException {
        write("usr/lib/x86_64-linux-gnu/libcuda.so.1", "not a real library: it is never loaded");
        Device noKernelDriver = detect(OptionalLong.empty());
        assertFalse(noKernelDriver.cuda().usable());
        assertTrue(noKernelDriver.cuda().reason().contains("kernel driver is not loaded"), noKernelDriver.cuda().reason());

        write("proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\nGCC version: 12\n");
        write("proc/driver/nvidia/gpus/0000:01:00.0/information", "Model: \t\t NVIDIA H100 80GB HBM3\nIRQ: 42\n");
        Device gpu = detect(OptionalLong.empty());
        assertTrue(gpu.cuda().usable(), gpu.cuda().reason());
        assertEquals(List.of("NVIDIA H100 80GB HBM3"), gpu.cuda().gpus());
        assertTrue(gpu.cuda().driverVersion().contains("550.54.15"));
    }

    @Test
    void cacheSizeSuffixes() {
        assertEquals(48 * 1024, DeviceDetector.parseSize("48K"));
        assertEquals(30L << 20, DeviceDetector.parseSize("30M\n"));
        assertEquals(-1, DeviceDetector.parseSize("lots"));
    }
}
