package io.edgert.cli;

import com.google.gson.GsonBuilder;
import io.edgert.bench.BenchResult;
import io.edgert.bench.BenchTable;
import io.edgert.bench.LatencyStats;
import io.edgert.bench.ModelBench;
import io.edgert.bench.OpProfile;
import io.edgert.device.CacheInfo;
import io.edgert.device.Device;
import io.edgert.runtime.Model;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code edgert bench MODEL...}: side-by-side latency of backends in one process (interleaved runs), with init and
 * first-inference times, order statistics, throughput, ratios against the first backend, optional per-op profile,
 * and a JSON record for collecting runs across devices.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks models on several backends side by side: warm-up, then interleaved timed runs.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "MODEL", description = ".tflite files")
    List<Path> models;

    @Option(names = {"-b", "--backends"}, split = ",", defaultValue = "native,tflite,tflite-ref",
            description = "backends, the first is the baseline of the ratios; BACKEND@PROFILE picks a device profile "
                    + "per entry (default: ${DEFAULT-VALUE})")
    List<String> backends;

    @Option(names = {"-t", "--threads"}, defaultValue = "1", description = "threads (default: ${DEFAULT-VALUE})")
    int threads;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = {"-n", "--runs"}, description = "timed runs per backend (default: 100)")
        Integer runs;

        @Option(names = "--seconds", description = "time each model for this many seconds instead of a fixed count")
        Double seconds;
    }

    @Option(names = "--warmup", defaultValue = "10", description = "warm-up runs per backend (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Option(names = "--profile", description = "per-op time table on backends that record it (native)")
    boolean profile;

    @Option(names = {"--device-profile", "--profile-file"}, paramLabel = "ID|FILE",
            description = "device profile (id or JSON file) for every backend entry without its own '@ID|FILE' "
                    + "(as in -b native@x86_64-generic,native@tuned.json); default: the detected one")
    String deviceProfile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int runs = length.runs != null ? length.runs : 100;
        double seconds = length.seconds != null ? length.seconds : 0;
        if (runs < 1 || warmup < 0 || threads < 1 || seconds < 0) {
            throw CliException.badInput("expected --runs >= 1, --warmup >= 0, --threads >= 1 and --seconds >= 0");
        }
        ModelBench bench = new ModelBench(warmup, runs, seconds, threads, 1).profile(deviceProfile);
        List<BenchResult> all = new ArrayList<>();
        List<Map<String, Object>> profiles = new ArrayList<>();
        for (Path p : models) {
            try (Model model = Model.load(p)) {
                String label = p.getFileName().toString().replaceFirst("\\.tflite$", "");
                out.printf("%s (%d ops, %d thread%s)%n", label, model.operators().size(), threads, threads == 1 ? "" : "s");
                List<BenchResult> results = bench.run(model, label, backends);
                BenchTable.print(results, out);
                if (profile) {
                    for (OpProfile t : OpProfile.forBackends(model, backends, threads, Math.max(10, Math.min(runs, 50)))) {
                        t.print(out);
                        profiles.add(t.toJson(label));
                    }
                }
                out.println();
                all.addAll(results);
            }
        }
        out.flush();
        if (json != null) {
            writeJson(all, profiles);
        }
        return all.stream().anyMatch(BenchResult::ok) ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    private void writeJson(List<BenchResult> results, List<Map<String, Object>> profiles) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("device", deviceJson(Device.detect()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BenchResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("backend", r.backend());
            m.put("threads", r.threads());
            if (!r.ok()) {
                m.put("error", r.error());
                rows.add(m);
                continue;
            }
            LatencyStats s = r.stats();
            m.put("runs", s.runs());
            m.put("init_ms", LatencyStats.ms(r.initNs()));
            m.put("first_ms", LatencyStats.ms(r.firstNs()));
            m.put("min_ms", LatencyStats.ms(s.minNs()));
            m.put("median_ms", LatencyStats.ms(s.medianNs()));
            m.put("p90_ms", LatencyStats.ms(s.p90Ns()));
            m.put("p99_ms", LatencyStats.ms(s.p99Ns()));
            m.put("max_ms", LatencyStats.ms(s.maxNs()));
            m.put("throughput_per_s", s.throughputPerSecond());
            rows.add(m);
        }
        doc.put("results", rows);
        if (!profiles.isEmpty()) {
            doc.put("profiles", profiles);  // --profile: every op of each profiled model and backend
        }
        Path tmp = Files.createTempFile(json.toAbsolutePath().getParent(), ".bench", ".json");
        Files.writeString(tmp, new GsonBuilder().setPrettyPrinting().create().toJson(doc), StandardCharsets.UTF_8);
        Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Map<String, Object> deviceJson(Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", d.os());
        m.put("arch", d.arch());
        m.put("cpu", d.cpu().modelName());
        m.put("vendor", d.cpu().vendor());
        m.put("family_model", d.cpu().familyModel());
        m.put("logical_cpus", d.logicalCpus());
        m.put("features", d.featureList());
        Map<String, Long> caches = new LinkedHashMap<>();
        for (CacheInfo c : d.caches()) {
            caches.put(c.label(), c.sizeBytes());
        }
        m.put("caches", caches);
        m.put("memory_bytes", d.memory().totalBytes());
        m.put("cuda", d.cuda().toString());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}
