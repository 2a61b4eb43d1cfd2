package io.edgert.device;

/**
 * Physical memory from {@code /proc/meminfo}: {@code MemTotal} and {@code MemAvailable} (what can be allocated
 * without swapping). -1 when unknown.
 */
public record MemoryInfo(long totalBytes, long availableBytes) {
    public static final MemoryInfo UNKNOWN = new MemoryInfo(-1, -1);

    /** Parses the text of {@code /proc/meminfo} ("MemTotal:  24576000 kB"); unknown fields stay -1. */
    public static MemoryInfo parse(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        long total = -1;
        long available = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                total = kib(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kib(line);
            }
        }
        return new MemoryInfo(total, available);
    }

    private static long kib(String line) {
        String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        try {
            long v = Long.parseLong(f[0]);
            return f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        if (totalBytes < 0) {
            return Device.UNKNOWN;
        }
        return Device.formatBytes(totalBytes) + " total"
                + (availableBytes >= 0 ? ", " + Device.formatBytes(availableBytes) + " available" : "");
    }
}
