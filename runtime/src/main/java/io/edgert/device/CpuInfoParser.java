package io.edgert.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the text of {@code /proc/cpuinfo} from x86 and ARM Linux kernels (and Android's). Lenient by design: the
 * format differs between architectures and kernel versions ({@code "CPU architecture: 8"} has no tab, old arm64
 * kernels print {@code Processor} lines and a {@code Hardware} line), so unknown lines are ignored and missing ones
 * stay unknown; it never throws.
 */
public final class CpuInfoParser {
    private CpuInfoParser() {
    }

    public static CpuInfo parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            return CpuInfo.UNKNOWN;
        }
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> global = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("processor") && isInt(value)) {
                current = new LinkedHashMap<>();
                blocks.add(current);
                current.put(key, value);
            } else if (current != null && !key.equals("hardware") && !key.equals("serial") && !key.equals("revision")) {
                current.putIfAbsent(key, value);
            } else {
                // Lines before the first "processor : N" or the trailing SoC lines of arm kernels.
                global.putIfAbsent(key, value);
            }
        }
        Map<String, String> first = blocks.isEmpty() ? global : blocks.get(0);

        List<CpuInfo.Core> cores = new ArrayList<>();
        for (Map<String, String> b : blocks) {
            cores.add(new CpuInfo.Core(parseInt(b.get("processor")), parseInt(b.get("cpu implementer")),
                    parseInt(b.get("cpu part")), parseInt(b.get("cpu variant")), parseInt(b.get("cpu revision"))));
        }
        String flagLine = first.getOrDefault("flags", first.getOrDefault("features", global.get("features")));
        Set<String> flags = new LinkedHashSet<>();
        if (flagLine != null && !flagLine.trim().isEmpty()) {
            flags.addAll(Arrays.asList(flagLine.trim().split("\\s+")));
        }

        boolean arm = !cores.isEmpty() && cores.get(0).implementer() >= 0;
        String vendor = first.getOrDefault("vendor_id", Device.UNKNOWN);
        String modelName = first.getOrDefault("model name", global.getOrDefault("model name", Device.UNKNOWN));
        if (arm) {
            vendor = ArmCpuParts.implementerName(cores.get(0).implementer());
            // arm64 kernels print no model name; the core types are the useful name ("Cortex-A55 x4 + Cortex-A76 x4").
            modelName = describeArmCores(cores);
        }
        return new CpuInfo(vendor, modelName, parseInt(first.get("cpu family")), parseInt(first.get("model")),
                parseInt(first.get("stepping")), global.getOrDefault("hardware", Device.UNKNOWN), cores, flags);
    }

    private static String describeArmCores(List<CpuInfo.Core> cores) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CpuInfo.Core c : cores) {
            counts.merge(c.partName(), 1, Integer::sum);
        }
        if (counts.size() == 1) {
            return counts.keySet().iterator().next();
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((name, n) -> parts.add(name + " x" + n));
        return String.join(" + ", parts);
    }

    private static boolean isInt(String s) {
        return parseInt(s) >= 0;
    }

    /** Decimal or 0x-hex; -1 when absent or malformed. */
    static int parseInt(String s) {
        if (s == null) {
            return -1;
        }
        String t = s.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Integer.parseInt(t.substring(2), 16);
            }
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
