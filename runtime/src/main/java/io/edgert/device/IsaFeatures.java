package io.edgert.device;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ISA features edgert's kernels care about, under one spelling used by device profiles and {@code edgert info}:
 * {@code sse4.1 avx2 fma avx512f avx512bw avx512vl avx512vnni avxvnni amx-int8} on x86 and
 * {@code asimd dotprod i8mm sve} on ARM. They come from the native library's CPUID/HWCAP probe when it loads (the
 * truth: it also checks that the OS saves the wide registers), else on arm64 from the HWCAP words of
 * {@code /proc/self/auxv}, else from the kernel's {@code /proc/cpuinfo} flags, which Linux only lists when usable too.
 */
public final class IsaFeatures {
    /** Native bit (io.edgert.jni.NativePlan.CPU_*, edgert/plan.h EDGERT_CPU_*) to name, in print order. */
    private static final Map<Long, String> NATIVE_BITS = new LinkedHashMap<>();
    /** /proc/cpuinfo token (x86 "flags", ARM "Features") to name. */
    private static final Map<String, String> CPUINFO_TOKENS = new LinkedHashMap<>();

    static {
        bit(0, "sse4.1", "sse4_1");
        bit(1, "avx2", "avx2");
        bit(2, "fma", "fma");
        bit(3, "avx512f", "avx512f");
        bit(4, "avx512bw", "avx512bw");
        bit(5, "avx512vl", "avx512vl");
        bit(6, "avx512vnni", "avx512_vnni");
        bit(7, "avxvnni", "avx_vnni");
        bit(8, "amx-int8", "amx_int8");
        bit(16, "asimd", "asimd");
        bit(17, "dotprod", "asimddp");
        bit(18, "i8mm", "i8mm");
        bit(19, "sve", "sve");
    }

    private IsaFeatures() {
    }

    private static void bit(int bit, String name, String cpuinfoToken) {
        NATIVE_BITS.put(1L << bit, name);
        CPUINFO_TOKENS.put(cpuinfoToken, name);
    }

    /** Every name this class can report, x86 first. */
    public static Set<String> knownNames() {
        return new LinkedHashSet<>(NATIVE_BITS.values());
    }

    /** Names for the bits of {@code edgert_cpu_features()}. */
    public static Set<String> fromNativeBits(long bits) {
        Set<String> r = new LinkedHashSet<>();
        NATIVE_BITS.forEach((bit, name) -> {
            if ((bits & bit) != 0) {
                r.add(name);
            }
        });
        return r;
    }

    /**
     * Names for arm64 Linux's {@code AT_HWCAP} / {@code AT_HWCAP2} auxiliary-vector words (asm/hwcap.h), the bits
     * the native probe reads with getauxval: HWCAP_ASIMD, HWCAP_ASIMDDP, HWCAP_SVE, HWCAP2_I8MM.
     */
    public static Set<String> fromArm64Hwcap(long hwcap, long hwcap2) {
        long bits = 0;
        if ((hwcap & (1L << 1)) != 0) {
            bits |= 1L << 16;
        }
        if ((hwcap & (1L << 20)) != 0) {
            bits |= 1L << 17;
        }
        if ((hwcap2 & (1L << 13)) != 0) {
            bits |= 1L << 18;
        }
        if ((hwcap & (1L << 22)) != 0) {
            bits |= 1L << 19;
        }
        return fromNativeBits(bits);
    }

    /** Names for the tokens of a {@code flags}/{@code Features} line, in the canonical order. */
    public static Set<String> fromCpuinfoFlags(Set<String> tokens) {
        Set<String> r = new LinkedHashSet<>();
        CPUINFO_TOKENS.forEach((token, name) -> {
            if (tokens.contains(token)) {
                r.add(name);
            }
        });
        return r;
    }
}
