package io.edgert.device;

import java.util.Map;

/**
 * Names of ARM implementers and core parts, from the MIDR values Linux prints in {@code /proc/cpuinfo}
 * ({@code CPU implementer}, {@code CPU part}). Only the cores edgert is likely to meet; others print as hex.
 * Values from the Arm Technical Reference Manuals (MIDR_EL1 PartNum) and Linux's arch/arm64/include/asm/cputype.h.
 */
final class ArmCpuParts {
    private static final Map<Integer, String> IMPLEMENTERS = Map.of(
            0x41, "ARM", 0x42, "Broadcom", 0x43, "Cavium", 0x48, "HiSilicon", 0x4e, "NVIDIA",
            0x51, "Qualcomm", 0x53, "Samsung", 0x61, "Apple", 0xc0, "Ampere");

    private static final Map<Integer, String> ARM_PARTS = Map.ofEntries(
            Map.entry(0xd03, "Cortex-A53"), Map.entry(0xd04, "Cortex-A35"), Map.entry(0xd05, "Cortex-A55"),
            Map.entry(0xd07, "Cortex-A57"), Map.entry(0xd08, "Cortex-A72"), Map.entry(0xd09, "Cortex-A73"),
            Map.entry(0xd0a, "Cortex-A75"), Map.entry(0xd0b, "Cortex-A76"), Map.entry(0xd0c, "Neoverse-N1"),
            Map.entry(0xd0d, "Cortex-A77"), Map.entry(0xd40, "Neoverse-V1"), Map.entry(0xd41, "Cortex-A78"), Map.entry(0xd42, "Cortex-A78AE"),
            Map.entry(0xd44, "Cortex-X1"), Map.entry(0xd46, "Cortex-A510"), Map.entry(0xd47, "Cortex-A710"),
            Map.entry(0xd48, "Cortex-X2"), Map.entry(0xd49, "Neoverse-N2"), Map.entry(0xd4b, "Cortex-A78C"),
            Map.entry(0xd4d, "Cortex-A715"), Map.entry(0xd4e, "Cortex-X3"), Map.entry(0xd4f, "Neoverse-V2"),
            Map.entry(0xd80, "Cortex-A520"), Map.entry(0xd81, "Cortex-A720"), Map.entry(0xd82, "Cortex-X4"));

    private ArmCpuParts() {
    }

    static String implementerName(int implementer) {
        String n = IMPLEMENTERS.get(implementer);
        return n != null ? n : String.format("implementer 0x%02x", implementer);
    }

    static String coreName(int implementer, int part) {
        if (implementer == 0x41) {
            String n = ARM_PARTS.get(part);
            if (n != null) {
                return n;
            }
        }
        return String.format("%s part 0x%03x", implementerName(implementer), part);
    }
}
