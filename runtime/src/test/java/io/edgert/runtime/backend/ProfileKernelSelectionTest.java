package io.edgert.runtime.backend;

import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.Profiles;
import io.edgert.jni.NativePlan;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.plan.KernelChoice;
import io.edgert.runtime.plan.PlanSummary;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The native planner takes each op's kernel from the device profile, never one the device cannot run. */
class ProfileKernelSelectionTest {
    private static final String VWW = "mlperf-tiny/vww_96_int8.tflite";

    @BeforeAll
    static void nativeLoads() {
        assumeTrue(NativeBackend.ensureLoadedForTests(), "native library not loaded");
    }

    private static PlanSummary plan(Model model, DeviceProfile p) throws EdgertException {
        return NativeBackend.summarize(model, Session.Options.defaults().backend(NativeBackend.NAME).profile(p));
    }

    @Test
    void everyBuiltInRefIdIsARealRegistryKernel() {
        List<String> compiled = NativeBackend.kernelIds();
        for (DeviceProfile p : Profiles.builtIns()) {
            p.choices().kernels().forEach((op, ids) -> {
                String last = ids.get(ids.size() - 1);
                assertTrue(compiled.contains(last), p.id() + " " + op + ": " + last + " is not a registry kernel");
            });
        }
    }

    /**
     * A compiled SIMD variant that no built-in profile of its architecture lists would never run where a profile
     * lists the op (its {@code _ref} entry wins): when faster kernels land, their ids go into the profiles too.
     */
    @Test
    void everyCompiledNonRefVariantIsListedByABuiltInProfile() {
        String arch = io.edgert.device.Device.normalizeArch(System.getProperty("os.arch"));
        List<String> unlisted = new ArrayList<>();
        for (String id : NativeBackend.kernelIds()) {
            if (id.endsWith("_ref")) {
                continue;
            }
            boolean listed = Profiles.builtIns().stream().filter(p -> p.match().arch().equals(arch))
                    .anyMatch(p -> p.choices().kernels().values().stream().anyMatch(l -> l.contains(id)));
            if (!listed) {
                unlisted.add(id);
            }
        }
        assertEquals(List.of(), unlisted, "compiled variants no " + arch + " profile prefers");
    }

    @Test
    void eachProfileGetsItsFirstEligibleVariantPerOp() throws Exception {
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            for (DeviceProfile p : Profiles.builtIns()) {
                PlanSummary plan = plan(model, p);
                assertEquals(p.id(), plan.profile());
                for (int i = 0; i < plan.kernels().size(); i++) {
                    KernelChoice c = plan.choices().get(i);
                    List<String> prefs = p.kernelsFor(c.opType());
                    String expected = null;
                    for (String id : prefs) {
                        if (NativeBackend.kernelIds().contains(id) && cpuSupported(id)) {
                            expected = id;
                            break;
                        }
                    }
                    if (expected == null) {
                        assertNull(c.requested(), p.id() + " op " + i);
                        assertTrue(c.reason().startsWith("registry default"), c.reason());
                    } else {
                        assertEquals(expected, c.requested(), p.id() + " op " + i + " " + c.opType());
                        String bound = plan.kernels().get(i);
                        // a variant that declines the op's shape (the row-buffer depthwise on 8 channels) is
                        // replaced by the registry's choice, and the reason says so
                        assertTrue(bound.equals(expected) || c.reason().endsWith(
                                "which does not apply to this op's shape or parameters: the registry's " + bound
                                        + " runs"), p.id() + " op " + i + ": bound " + bound + ", " + c.reason());
                        assertEquals(prefs.indexOf(expected), c.skipped().size(), c.skipped().toString());
                    }
                }
            }
        }
    }

    @Test
    void anArenaBudgetBelowTheModelsArenaRefusesToPlan() throws Exception {
        DeviceProfile base = Profiles.builtIn("x86_64-generic");
        DeviceProfile.Choices c = base.choices();
        DeviceProfile tight = base.withChoices(new DeviceProfile.Choices(c.kernels(), c.threads(), c.cores(),
                c.gemmBlocking(), 4096L, c.gpuOffload()));
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            EdgertException e = org.junit.jupiter.api.Assertions.assertThrows(EdgertException.class,
                    () -> model.newSession(Session.Options.defaults().backend("native").profile(tight)));
            assertTrue(e.getMessage().contains("64512-byte activation arena, over the 4096-byte budget"),
                    e.getMessage());
            DeviceProfile roomy = base.withChoices(new DeviceProfile.Choices(c.kernels(), c.threads(), c.cores(),
                    c.gemmBlocking(), 64512L, c.gpuOffload()));
            try (Session s = model.newSession(Session.Options.defaults().backend("native").profile(roomy))) {
                assertEquals(64512L, s.arenaBytes());
            }
        }
    }

    @Test
    void onThisCpuTheAvx512ProfilePicksTheVnniKernelsAndSaysWhy() throws Exception {
        assumeTrue(io.edgert.device.Device.detect().hasFeature("avx512vnni"), "this CPU lacks AVX-512 VNNI");
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            PlanSummary plan = plan(model, Profiles.builtIn("x86_64-avx512vnni"));
            KernelChoice conv = plan.choices().get(0);
            assertEquals("CONV_2D", conv.opType());
            assertEquals("conv2d_qs8_gemm_8x16c4_avx512vnni", conv.requested());
            assertEquals("profile x86_64-avx512vnni, choice 1 of 7", conv.reason());
            assertEquals(List.of(), conv.skipped());
            assertEquals("conv2d_qs8_gemm_8x16c4_avx512vnni", plan.kernels().get(0));
            // 8 channels at stride 1: the row-buffer kernel declines (the 32c2 kernel packs 4 pixels per vector);
            // 32 channels (op 5): the row-buffer kernel, the profile's first choice
            assertEquals("dwconv_qs8_direct_32c2_avx512vnni", plan.kernels().get(1));
            assertEquals("DEPTHWISE_CONV_2D", plan.opTypes().get(5));
            assertEquals("dwconv_qs8_rows_32c2_avx512vnni", plan.kernels().get(5));
            int reshape = plan.opTypes().indexOf("RESHAPE");
            assertEquals("reshape_any_ref", plan.kernels().get(reshape));
            assertTrue(plan.choices().get(reshape).reason().contains("lists no variant for RESHAPE"));
        }
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            PlanSummary generic = plan(model, Profiles.builtIn("x86_64-generic"));
            assertEquals("conv2d_qs8_direct_ref", generic.kernels().get(0), "the generic profile keeps the ref kernels");
        }
    }

    @Test
    void onAnAmxCpuDeepPointwiseConvsRunOnTilesWithTheVnniResults() throws Exception {
        assumeTrue(cpuSupported("conv2d_qs8_gemm_32x32c4_amx"),
                "this CPU (or OS: Linux must grant the tile state) has no AMX-INT8");
        try (Model model = Model.load(SharedFiles.model("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite"))) {
            PlanSummary plan = plan(model, Profiles.builtIn("x86_64-amx"));
            // op 62: 7x7x320 -> 1280, 1x1: on the tiles
            assertEquals("CONV_2D", plan.opTypes().get(62));
            assertEquals("conv2d_qs8_gemm_32x32c4_amx", plan.kernels().get(62));
            // op 4: 112x112x16 -> 96: 16 channels are below the tiles' minimum depth (requantization-bound)
            assertEquals("conv2d_qs8_gemm_8x16c4_avx512vnni", plan.kernels().get(4));
            // op 1: the 3x3 stride-2 first layer is not pointwise
            assertEquals("conv2d_qs8_gemm_8x16c4_avx512vnni", plan.kernels().get(1));
            // op 64: the 1x1 classifier on one pixel: a 16-row tile would be almost empty
            assertEquals("CONV_2D", plan.opTypes().get(64));
            assertEquals("conv2d_qs8_gemm_8x16c4_avx512vnni", plan.kernels().get(64));
            assertTrue(plan.choices().get(64).reason().contains("does not apply"), plan.choices().get(64).reason());
            long onTiles = plan.kernels().stream().filter(k -> k.endsWith("_amx")).count();
            assertTrue(onTiles >= 15, onTiles + " ops on the tiles");
        }
        for (String m : List.of("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite", "coral/mobilenet_v2_1.0_224_quant.tflite")) {
            assertSameOutputs(m, "x86_64-amx", "x86_64-avx512vnni");
        }
    }

    /** The model's output under two profiles, on the same random inputs (two seeds), byte for byte. */
    private static void assertSameOutputs(String model, String profile, String baseline) throws Exception {
        try (Model m = Model.load(SharedFiles.model(model));
             Session a = m.newSession(Session.Options.defaults().backend("native").profile(profile));
             Session b = m.newSession(Session.Options.defaults().backend("native").profile(baseline))) {
            for (long seed : new long[] {5, 6}) {
                io.edgert.runtime.io.RandomInputs.fill(a, seed);
                io.edgert.runtime.io.RandomInputs.fill(b, seed);
                a.run();
                b.run();
                assertArrayEquals(b.output(0).getBytes(), a.output(0).getBytes(),
                        model + " seed " + seed + ": " + profile + " vs " + baseline);
            }
        }
    }

    @Test
    void theAvxVnniProfileRunsItsGemmsWithTheAvx2Results() throws Exception {
        assumeTrue(cpuSupported("conv2d_qs8_gemm_4x16c4_avxvnni"), "this CPU has no AVX-VNNI");
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            PlanSummary plan = plan(model, Profiles.builtIn("x86_64-avxvnni"));
            assertEquals("conv2d_qs8_gemm_4x16c4_avxvnni", plan.kernels().get(0));
            int fc = plan.opTypes().indexOf("FULLY_CONNECTED");
            assertEquals("fc_qs8_gemm_4x16c4_avxvnni", plan.kernels().get(fc));
            assertEquals("dwconv_qs8_direct_32c2_avx2", plan.kernels().get(5), "depthwise keeps the AVX2 choice");
        }
        for (String m : List.of(VWW, "coral/mobilenet_v2_1.0_224_quant.tflite")) {
            assertSameOutputs(m, "x86_64-avxvnni", "x86_64-avx2");
        }
    }

    @Test
    void aListedVariantForAnotherOpOrDtypeIsSkippedAndAnIdOnlyVariantIsHonoured() throws Exception {
        DeviceProfile base = Profiles.builtIn("x86_64-generic");
        DeviceProfile p = base.withChoices(base.choices()
                .withKernels("CONV_2D", List.of("fc_qs8_ref", "conv2d_qu8_direct_ref", "conv2d_qs8_igemm_4x8c4_neondot",
                        "conv2d_qs8_direct_ref"))
                .withKernels("SOFTMAX", List.of("softmax_qs8_lut16_ref", "softmax_qs8_ref")));
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            PlanSummary plan = plan(model, p);
            KernelChoice conv = plan.choices().get(0);
            assertEquals("conv2d_qs8_direct_ref", conv.requested());
            assertEquals(List.of("fc_qs8_ref: does not implement this op for int8 -> int8",
                    "conv2d_qu8_direct_ref: does not implement this op for int8 -> int8",
                    "conv2d_qs8_igemm_4x8c4_neondot: not compiled into this build"), conv.skipped());
            int softmax = plan.opTypes().indexOf("SOFTMAX");
            assertEquals("softmax_qs8_lut16_ref", plan.kernels().get(softmax), "chosen by id, never by default");
        }
    }

    @Test
    void aVariantThisCpuCannotRunIsNeverChosen() throws Exception {
        List<String> unsupported = new ArrayList<>();
        for (int i = 0; i < NativePlan.edgert_kernel_count(); i++) {
            if (NativePlan.edgert_kernel_cpu_supported(i) == 0) {
                unsupported.add(NativePlan.edgert_kernel_id(i).getString());
            }
        }
        System.out.println("compiled variants this CPU cannot run: " + unsupported);
        DeviceProfile base = Profiles.builtIn("x86_64-generic");
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            for (String id : unsupported) {
                String type = opTypeOf(id);
                DeviceProfile p = base.withChoices(base.choices().withKernels(type, List.of(id)));
                PlanSummary plan = plan(model, p);
                assertTrue(!plan.kernels().contains(id), id + " was bound on a CPU without its ISA");
            }
        }
    }

    private static String opTypeOf(String kernelId) {
        for (int i = 0; i < NativePlan.edgert_kernel_count(); i++) {
            if (NativePlan.edgert_kernel_id(i).getString().equals(kernelId)) {
                return io.edgert.runtime.model.BuiltinOps.name(NativePlan.edgert_kernel_builtin(i));
            }
        }
        throw new AssertionError(kernelId);
    }

    private static boolean cpuSupported(String id) {
        for (int i = 0; i < NativePlan.edgert_kernel_count(); i++) {
            if (NativePlan.edgert_kernel_id(i).getString().equals(id)) {
                return NativePlan.edgert_kernel_cpu_supported(i) == 1;
            }
        }
        return false;
    }

    @Test
    void aProfileNeverChangesResultsOfRefKernelsAndSessionsRecordIt() throws Exception {
        try (Model model = Model.load(SharedFiles.model(VWW));
             Session a = model.newSession(Session.Options.defaults().backend("native").profile("x86_64-generic"));
             Session b = model.newSession(Session.Options.defaults().backend("native").profile("x86_64-avx512vnni"))) {
            io.edgert.runtime.io.RandomInputs.fill(a, 3);
            io.edgert.runtime.io.RandomInputs.fill(b, 3);
            a.run();
            b.run();
            assertArrayEquals(a.output(0).getBytes(), b.output(0).getBytes());
            assertEquals("x86_64-generic", a.profileMatch().profile().id());
            assertEquals("forced", a.profileMatch().how());
            assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), a.options().threads(),
                    "threads 0 = one per core when the caller set none");
        }
        try (Model model = Model.load(SharedFiles.model(VWW));
             Session s = model.newSession(Session.Options.defaults().backend("native").threads(1))) {
            assertEquals(1, s.options().threads(), "the caller's threads win");
            assertEquals("detected", s.profileMatch().how());
        }
    }
}
