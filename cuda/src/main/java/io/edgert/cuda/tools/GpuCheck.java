package io.edgert.cuda.tools;

import io.edgert.cuda.CudaBackend;
import io.edgert.cuda.FatbinInfo;
import io.edgert.cuda.GpuDevice;
import io.edgert.cuda.plan.Placement;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.Backends;
import io.edgert.runtime.io.RandomInputs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The GPU acceptance check (benchmarks/gpu/check.sh runs it from the self-contained payload, where there is no
 * Maven, JUnit or network):
 * <pre>
 *   GpuCheck info
 *   GpuCheck models                                  the parity suite's models, one per line
 *   GpuCheck parity MODELS_DIR [--batches 1,8] [--models REL,...]   cuda bytes == native bytes, every pass
 *   GpuCheck run MODEL [--batch N]                    one comparison under the current -D switches (for
 *                                                    compute-sanitizer: one short process, no passes)
 *   GpuCheck bench MODEL [--batches 1,32] [--seconds S]   latency / throughput, graphs on and off, native at batch 1
 * </pre>
 * check.sh runs {@code parity} once per model, each in its own process: an illegal address or a launch failure
 * poisons the CUDA context for the rest of a process, and one broken model must not fail the others.
 * Exit status 0 when everything it ran passed, 1 otherwise (2: bad arguments).
 */
public final class GpuCheck {
    /** The models of the parity suite (relative to MODELS_DIR); the JUnit emulator and GPU parity tests run these. */
    public static final List<String> MODELS = List.of(
            "coral/mobilenet_v1_0.25_128_quant.tflite",
            "coral/mobilenet_v2_1.0_224_quant.tflite",
            "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
            "mlperf-tiny/ad01_int8.tflite",
            "mlperf-tiny/kws_ref_model.tflite",
            "mlperf-tiny/pretrainedResnet_quant.tflite",
            "mlperf-tiny/vww_96_int8.tflite",
            "tflite-micro/hello_world_int8.tflite",
            "tflite-micro/micro_speech_quantized.tflite",
            "tflite-micro/person_detect.tflite");

    private static int bisections;

    private GpuCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        int status = switch (args[0]) {
            case "info" -> info();
            case "models" -> {
                MODELS.forEach(System.out::println);
                yield 0;
            }
            case "parity" -> parity(args);
            case "run" -> runOnce(args);
            case "bench" -> bench(args);
            default -> usage();
        };
        System.exit(status);
    }

    private static int usage() {
        System.err.println("usage: GpuCheck info | models | parity MODELS_DIR [--batches 1,8] [--models REL,...] "
                + "| run MODEL [--batch N] | bench MODEL [--batches 1,32] [--seconds S]");
        System.exit(2);
        return 2;
    }

    private static int info() {
        FatbinInfo f = FatbinInfo.ofThisBuild();
        System.out.println("fatbin   " + (f == null ? "none in this build" : f));
        String nat = Backends.get("native").unavailableReason();
        System.out.println("native   " + (nat == null ? "available" : "unavailable: " + nat));
        String why = Backends.get(CudaBackend.NAME).unavailableReason();
        System.out.println("cuda     " + (why == null ? "available: " + CudaBackend.device() : "unavailable: " + why));
        return why == null ? 0 : 1;
    }

    /** The value after {@code name} in args, or null. */
    private static String option(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }

    private static int[] batches(String[] args, int[] fallback) {
        String v = option(args, "--batches");
        return v == null ? fallback : Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double seconds(String[] args, double fallback) {
        String v = option(args, "--seconds");
        return v == null ? fallback : Double.parseDouble(v);
    }

    private static int runOnce(String[] args) throws Exception {
        if (args.length < 2) {
            return usage();
        }
        if (info() != 0) {
            return 1;
        }
        String b = option(args, "--batch");
        String result = compare(Path.of(args[1]), b == null ? 1 : Integer.parseInt(b));
        System.out.println((result.startsWith("bit-exact") ? "PASS  " : "FAIL  ") + args[1] + ": " + result);
        return result.startsWith("bit-exact") ? 0 : 1;
    }

    private static int parity(String[] args) throws Exception {
        if (args.length < 2) {
            return usage();
        }
        if (info() != 0) {
            return 1;
        }
        Path dir = Path.of(args[1]);
        int failed = 0;
        int passed = 0;
        // On sm_80+ int8 convs run on the tensor-core kernel; the __dp4a kernel is checked too, and one pass launches
        // op by op instead of replaying CUDA graphs, so a failure names the kernel family or the capture at fault.
        GpuDevice gpu = CudaBackend.device();
        boolean tensorCores = gpu != null && gpu.capability() >= 80;
        List<String[]> passes = new ArrayList<>();
        passes.add(new String[] {"true", "true", tensorCores ? "tensor-core conv (mma.sync), CUDA graphs"
                : "__dp4a conv, CUDA graphs"});
        if (tensorCores) {
            passes.add(new String[] {"false", "true", "__dp4a conv (-Dedgert.cuda.mma=false), CUDA graphs"});
        }
        passes.add(new String[] {"true", "false", "default conv, one launch per op (-Dedgert.cuda.graphs=false)"});
        for (String[] pass : passes) {
            System.setProperty("edgert.cuda.mma", pass[0]);
            System.setProperty("edgert.cuda.graphs", pass[1]);
            System.out.println("-- " + pass[2]);
            String only = option(args, "--models");
            List<String> models = only == null ? MODELS : List.of(only.split(","));
            int[] r = parityPass(dir, models, pass[1].equals("true") ? batches(args, new int[] {1, 8})
                    : new int[] {1});
            passed += r[0];
            failed += r[1];
        }
        System.setProperty("edgert.cuda.graphs", "true");
        System.setProperty("edgert.cuda.mma", "true");
        System.out.println("parity: " + passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private static int[] parityPass(Path dir, List<String> models, int[] batches) {
        int failed = 0;
        int passed = 0;
        for (String rel : models) {
            Path p = dir.resolve(rel);
            if (!Files.isRegularFile(p)) {
                System.out.println("SKIP  " + rel + ": absent");
                continue;
            }
            for (int batch : batches) {
                long t0 = System.nanoTime();
                String result;
                try {
                    result = compare(p, batch);
                } catch (Exception e) {
                    result = "error: " + e;
                }
                boolean ok = result.startsWith("bit-exact");
                if (!ok && bisections++ < 3) { // bisecting is slow: the first failures say enough
                    result += "; " + bisect(p, batch);
                }
                if (ok) {
                    passed++;
                } else {
                    failed++;
                }
                System.out.printf(Locale.ROOT, "%s  %-45s batch %-2d %s (%.1f s)%n", ok ? "PASS" : "FAIL", rel, batch,
                        result, (System.nanoTime() - t0) / 1e9);
            }
        }
        return new int[] {passed, failed};
    }

    /**
     * After a failure: reruns the model with one kernel at a time moved to the CPU (-Dedgert.cuda.disable) and names
     * the kernels whose removal makes the outputs bit-exact.
     */
    static String bisect(Path path, int batch) {
        List<String> culprits = new ArrayList<>();
        try (Model model = Model.load(path)) {
            java.util.Set<String> used = new java.util.TreeSet<>();
            for (Placement.OpPlacement o : CudaBackend.placement(model, Session.Options.defaults(),
                    Placement.Mode.EXPLICIT)) {
                if (o.kernel() != null) {
                    used.add(o.kernel().symbol());
                }
            }
            for (String k : used) {
                System.setProperty(io.edgert.cuda.plan.OpSupport.DISABLE_PROPERTY, k);
                try {
                    if (compare(path, batch).startsWith("bit-exact")) {
                        culprits.add(k);
                    }
                } catch (Exception e) {
                    // this kernel's removal did not help
                } finally {
                    System.clearProperty(io.edgert.cuda.plan.OpSupport.DISABLE_PROPERTY);
                }
            }
        } catch (Exception e) {
            return "bisect failed: " + e;
        }
        return culprits.isEmpty() ? "no single kernel on the CPU fixes it"
                : "bit-exact once " + culprits + " run" + (culprits.size() == 1 ? "s" : "") + " on the CPU";
    }

    /** "bit-exact ..." or what differs. */
    static String compare(Path path, int batch) throws Exception {
        try (Model model = Model.load(path);
             Session nat = model.newSession(Session.Options.defaults().backend("native"));
             Session gpu = model.newSession(Session.Options.defaults().backend("cuda"))) {
            if (batch != model.input(0).shape()[0]) {
                int[] shape = model.input(0).shape();
                shape[0] = batch;
                nat.resizeInput(0, shape);
                gpu.resizeInput(0, shape);
            }
            List<Placement.OpPlacement> pl = CudaBackend.placement(model, Session.Options.defaults(),
                    Placement.Mode.EXPLICIT);
            long onGpu = pl.stream().filter(Placement.OpPlacement::gpu).count();
            long bytes = 0;
            for (int seed = 0; seed < 2; seed++) {
                Random rnd = new Random(path.getFileName().toString().hashCode() + 7919L * seed + batch);
                for (int i = 0; i < nat.inputCount(); i++) {
                    RandomInputs.fill(nat.input(i), rnd);
                    gpu.input(i).putBytes(nat.input(i).getBytes());
                }
                nat.run();
                gpu.run();
                for (int o = 0; o < nat.outputCount(); o++) {
                    byte[] want = nat.output(o).getBytes();
                    byte[] got = gpu.output(o).getBytes();
                    int diff = 0;
                    for (int k = 0; k < Math.min(want.length, got.length); k++) {
                        diff += want[k] != got[k] ? 1 : 0;
                    }
                    if (diff != 0 || want.length != got.length) {
                        return "output " + o + " seed " + seed + ": " + diff + " of " + want.length + " bytes differ";
                    }
                    bytes += want.length;
                }
            }
            return "bit-exact, " + bytes + " output bytes, " + onGpu + "/" + pl.size() + " ops on the GPU";
        }
    }

    private static int bench(String[] args) throws Exception {
        if (args.length < 2) {
            return usage();
        }
        if (info() != 0) {
            return 1;
        }
        Path path = Path.of(args[1]);
        double seconds = seconds(args, 5);
        System.out.println("model    " + path);
        for (int batch : batches(args, new int[] {1, 32})) {
            for (String graphs : new String[] {"true", "false"}) {
                System.setProperty("edgert.cuda.graphs", graphs);
                time(path, "cuda", batch, seconds, graphs.equals("true") ? "CUDA graphs" : "launch per op");
            }
        }
        System.setProperty("edgert.cuda.graphs", "true");
        time(path, "native", 1, Math.min(seconds, 3), "CPU, 1 thread");
        return 0;
    }

    private static void time(Path path, String backend, int batch, double seconds, String how) throws Exception {
        try (Model model = Model.load(path);
             Session s = model.newSession(Session.Options.defaults().backend(backend))) {
            if (batch != model.input(0).shape()[0]) {
                int[] shape = model.input(0).shape();
                shape[0] = batch;
                s.resizeInput(0, shape);
            }
            RandomInputs.fill(s, 1);
            for (int i = 0; i < 20; i++) {
                s.run();
            }
            List<Long> times = new ArrayList<>();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end || times.size() < 10) {
                long t0 = System.nanoTime();
                s.run();
                times.add(System.nanoTime() - t0);
            }
            long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
            double median = sorted[sorted.length / 2] / 1e6;
            double p90 = sorted[(int) (sorted.length * 0.9)] / 1e6;
            System.out.printf(Locale.ROOT, "bench    %-6s batch %-3d %-14s median %8.3f ms  p90 %8.3f ms  %9.1f "
                    + "inferences/s  (%d runs, end to end incl. H2D/D2H)%n", backend, batch, how, median, p90,
                    batch * 1000.0 / median, sorted.length);
        }
    }
}
