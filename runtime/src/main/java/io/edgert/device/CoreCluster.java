package io.edgert.device;

import java.util.List;

/**
 * CPUs of one kind: on big.LITTLE / DynamIQ SoCs the cores with the same capacity (or maximum frequency). A
 * homogeneous machine has one cluster. Pinning threads to the big cluster is a device-profile choice.
 *
 * @param cpus       logical CPU numbers
 * @param capacity   the scheduler's {@code cpu_capacity} (1024 = the biggest core), or -1 where absent (x86)
 * @param maxFreqKHz {@code cpufreq/cpuinfo_max_freq} in kHz, or -1 where absent (VMs, containers)
 * @param coreName   the ARM core type of these CPUs ("Cortex-A76"), or unknown
 */
public record CoreCluster(List<Integer> cpus, int capacity, long maxFreqKHz, String coreName) {
    public CoreCluster {
        cpus = List.copyOf(cpus);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(cpus.size()).append(cpus.size() == 1 ? " cpu" : " cpus")
                .append(" ").append(CpuList.format(cpus));
        if (!Device.UNKNOWN.equals(coreName)) {
            sb.append(" ").append(coreName);
        }
        if (maxFreqKHz > 0) {
            sb.append(String.format(" @ %.2f GHz", maxFreqKHz / 1e6));
        }
        if (capacity > 0) {
            sb.append(" capacity ").append(capacity);
        }
        return sb.toString();
    }
}
