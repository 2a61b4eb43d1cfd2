package io.edgert.device;

/**
 * One cache level seen by CPU 0, from {@code /sys/devices/system/cpu/cpu0/cache/index*}. GEMM blocking in device
 * profiles is sized from these.
 *
 * @param level     1, 2, 3...
 * @param type      Data, Instruction or Unified
 * @param sizeBytes size in bytes
 */
public record CacheInfo(int level, String type, long sizeBytes) {
    /** "L1d", "L1i", "L2", "L3" as lscpu prints them. */
    public String label() {
        String suffix = switch (type) {
            case "Data" -> "d";
            case "Instruction" -> "i";
            default -> "";
        };
        return "L" + level + suffix;
    }

    @Override
    public String toString() {
        return label() + " " + Device.formatBytes(sizeBytes);
    }
}
