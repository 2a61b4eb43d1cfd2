package io.edgert.cli;

import io.edgert.device.CacheInfo;
import io.edgert.device.Device;

import java.io.PrintWriter;
import java.util.stream.Collectors;

/** The human-readable device block printed by {@code edgert info} and {@code edgert demo}. */
final class DeviceSummary {
    static final String ROW = "%-13s %s%n";

    private DeviceSummary() {
    }

    static void print(Device d, PrintWriter out) {
        out.printf(ROW, "OS", d.os() + " (" + d.arch() + ")");
        out.printf(ROW, "CPU", cpuLine(d));
        out.printf(ROW, "Cores", d.logicalCpus() + " logical, " + d.availableCpus() + " available to this process");
        if (d.clusters().size() > 1) {
            for (int i = 0; i < d.clusters().size(); i++) {
                out.printf(ROW, i == 0 ? "Clusters" : "", d.clusters().get(i));
            }
        } else if (d.clusters().size() == 1) {
            out.printf(ROW, "Clusters", "1: " + d.clusters().get(0));
        }
        out.printf(ROW, "ISA features", d.featureList().isEmpty() ? Device.UNKNOWN
                : String.join(" ", d.featureList()) + " (from " + d.featureSource() + ")");
        out.printf(ROW, "Caches", d.caches().isEmpty() ? Device.UNKNOWN
                : d.caches().stream().map(CacheInfo::toString).collect(Collectors.joining(", ")));
        out.printf(ROW, "Memory", d.memory());
    }

    static String cpuLine(Device d) {
        StringBuilder sb = new StringBuilder(d.cpu().modelName());
        if (!Device.UNKNOWN.equals(d.cpu().vendor())) {
            sb.append(" (").append(d.cpu().vendor());
            if (d.cpu().family() >= 0) {
                sb.append(", family/model ").append(d.cpu().familyModel());
            }
            if (!Device.UNKNOWN.equals(d.cpu().hardware())) {
                sb.append(", ").append(d.cpu().hardware());
            }
            sb.append(")");
        }
        return sb.toString();
    }
}
