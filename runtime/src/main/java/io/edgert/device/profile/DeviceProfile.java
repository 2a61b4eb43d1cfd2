package io.edgert.device.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device profile (device-profiles/README.md) after {@code extends} inheritance: what devices it matches and the
 * choices it makes for them. Built by {@link ProfileParser}; {@link Profiles} finds and matches them.
 *
 * @param id          unique id ({@code x86_64-avx2})
 * @param description the devices it is for
 * @param rationale   why these choices
 * @param parent      the id it extends, or null
 * @param match       conditions a device must meet
 * @param choices     effective choices (the parent's, overridden field by field and op by op)
 * @param chain       this id then its ancestors' ids
 * @param source      where it came from: {@code builtin:<id>} or a file path
 * @param tuning      what {@code edgert tune} measured (informational), or an empty map
 */
public record DeviceProfile(String id, String description, String rationale, String parent, Match match,
                            Choices choices, List<String> chain, String source, Map<String, Object> tuning) {
    public DeviceProfile {
        chain = List.copyOf(chain);
        tuning = Collections.unmodifiableMap(new LinkedHashMap<>(tuning));
    }

    /**
     * Conditions on the device; all must hold.
     *
     * @param arch           {@code x86_64} or {@code arm64}
     * @param features       ISA features the device must all have
     * @param os             {@code android} or {@code linux}, or null for any
     * @param cpuVendor      x86 vendor_id, or null
     * @param cpuImplementer ARM MIDR implementer, or -1
     * @param cpuParts       ARM MIDR parts, any one matches; empty for any
     * @param minCores       fewest logical CPUs
     * @param gpuMinCapability lowest CUDA compute capability as major*10+minor (87 = 8.7), or -1 for no GPU condition
     * @param fingerprint    {@link Profiles#fingerprint} of the one device a tuned profile is for, or null
     */
    public record Match(String arch, List<String> features, String os, String cpuVendor, int cpuImplementer,
                        List<Integer> cpuParts, int minCores, int gpuMinCapability, String fingerprint) {
        public Match {
            features = List.copyOf(features);
            cpuParts = List.copyOf(cpuParts);
        }
    }

    /**
     * What the profile decides. Scalar fields are null when neither the profile nor an ancestor sets them.
     *
     * @param kernels          per TFLite op name, kernel variant ids, most preferred first
     * @param threads          worker threads, 0 = one per selected core
     * @param cores            {@code all}, {@code big} or {@code little}
     * @param gemmBlocking     GEMM block sizes
     * @param arenaBudgetBytes the most one session's activation arena may use
     * @param gpuOffload       when ops go to the GPU
     */
    public record Choices(Map<String, List<String>> kernels, Integer threads, String cores, GemmBlocking gemmBlocking,
                          Long arenaBudgetBytes, GpuOffload gpuOffload) {
        public Choices {
            Map<String, List<String>> k = new LinkedHashMap<>();
            kernels.forEach((op, ids) -> k.put(op, List.copyOf(ids)));
            kernels = Collections.unmodifiableMap(k);
        }

        /** The preference list for an op type, empty when the profile has none. */
        public List<String> kernelsFor(String opType) {
            return kernels.getOrDefault(opType, List.of());
        }

        /** {@code this} over {@code parent}: fields set here win; kernel lists replace the parent's op by op. */
        Choices over(Choices parent) {
            Map<String, List<String>> k = new LinkedHashMap<>(parent.kernels);
            k.putAll(kernels);
            return new Choices(k, threads != null ? threads : parent.threads, cores != null ? cores : parent.cores,
                    gemmBlocking != null ? gemmBlocking : parent.gemmBlocking,
                    arenaBudgetBytes != null ? arenaBudgetBytes : parent.arenaBudgetBytes,
                    gpuOffload != null ? gpuOffload : parent.gpuOffload);
        }

        /** A copy whose list for {@code opType} is {@code ids} (tuning tries one variant at a time). */
        public Choices withKernels(String opType, List<String> ids) {
            Map<String, List<String>> k = new LinkedHashMap<>(kernels);
            k.put(opType, new ArrayList<>(ids));
            return new Choices(k, threads, cores, gemmBlocking, arenaBudgetBytes, gpuOffload);
        }

        public Choices withThreads(int n) {
            return new Choices(kernels, n, cores, gemmBlocking, arenaBudgetBytes, gpuOffload);
        }
    }

    /** GEMM block sizes in elements. */
    public record GemmBlocking(int mc, int nc, int kc) {
    }

    /** GPU offload thresholds. */
    public record GpuOffload(boolean enabled, long minMacs, List<String> ops) {
        public GpuOffload {
            ops = List.copyOf(ops);
        }
    }

    /** A copy with other choices (same id, match and source), for tuning trials. */
    public DeviceProfile withChoices(Choices c) {
        return new DeviceProfile(id, description, rationale, parent, match, c, chain, source, tuning);
    }

    /** The kernel preference list for an op type after inheritance. */
    public List<String> kernelsFor(String opType) {
        return choices.kernelsFor(opType);
    }

    @Override
    public String toString() {
        return id + " (" + source + ")";
    }
}
