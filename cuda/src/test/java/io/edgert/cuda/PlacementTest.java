package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.cuda.plan.CudaProgram;
import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.cuda.plan.Placement;
import io.edgert.cuda.plan.Placement.Mode;
import io.edgert.cuda.plan.Placement.OpPlacement;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement decisions under the GPU device profiles, for simulated devices (no CUDA call). */
class PlacementTest {
    static final GpuDevice H100 = EmulatorParityTest.H100;
    static final GpuDevice A100 = new GpuDevice("simulated A100", 8, 0, 40L << 30, 108, false);
    static final GpuDevice ORIN = new GpuDevice("simulated Orin", 8, 7, 32L << 30, 16, true);
    static final GpuDevice XAVIER = new GpuDevice("simulated Xavier", 7, 2, 16L << 30, 8, true);

    static List<OpPlacement> place(Model m, int batch, String profile, GpuDevice d, Mode mode) {
        Graph g = m.graph();
        return Placement.decide(g, BatchShapes.of(g, 0, batch), Profiles.builtIn(profile), d, mode);
    }

    static long onGpu(List<OpPlacement> p) {
        return p.stream().filter(OpPlacement::gpu).count();
    }

    @Test
    void autoFollowsTheProfilesMinMacsAtTheSessionsBatch() throws Exception {
        try (Model vww = Model.load(SharedFiles.model("mlperf-tiny/vww_96_int8.tflite"))) {
            // 7.49 M MACs at batch 1: under nvidia-sm90's 10 M, over nvidia-sm80's 5 M.
            List<OpPlacement> b1 = place(vww, 1, "nvidia-sm90", H100, Mode.AUTO);
            assertEquals(0, onGpu(b1));
            assertTrue(b1.get(0).reason().contains("< min_macs 10000000"), b1.get(0).reason());
            assertEquals(vww.operators().size(), onGpu(place(vww, 1, "nvidia-sm80", A100, Mode.AUTO)));
            // batch 8: 60 M MACs, worth the GPU under nvidia-sm90 too.
            List<OpPlacement> b8 = place(vww, 8, "nvidia-sm90", H100, Mode.AUTO);
            assertEquals(vww.operators().size(), onGpu(b8));
            assertTrue(b8.get(0).reason().contains(">= min_macs"), b8.get(0).reason());
            // Jetson: 20 M threshold, met at batch 3 (22.5 M), not at 2 (15 M).
            assertEquals(0, onGpu(place(vww, 2, "jetson-orin", ORIN, Mode.AUTO)));
            assertEquals(vww.operators().size(), onGpu(place(vww, 3, "jetson-orin", ORIN, Mode.AUTO)));
        }
    }

    @Test
    void autoNeedsAProfileThatOffloadsAndACapableGpu() throws Exception {
        try (Model m = Model.load(SharedFiles.model("coral/mobilenet_v2_1.0_224_quant.tflite"))) {
            List<OpPlacement> cpuProfile = place(m, 1, "x86_64-avx512vnni", H100, Mode.AUTO);
            assertEquals(0, onGpu(cpuProfile));
            assertTrue(cpuProfile.get(0).reason().contains("does not offload"), cpuProfile.get(0).reason());
            List<OpPlacement> old = place(m, 1, "nvidia-sm90", A100, Mode.AUTO);
            assertEquals(0, onGpu(old));
            assertTrue(old.get(0).reason().contains("compute capability 9.0+"), old.get(0).reason());
            List<OpPlacement> xavier = place(m, 1, "jetson-orin", XAVIER, Mode.EXPLICIT);
            assertEquals(0, onGpu(xavier));
            assertTrue(xavier.get(0).reason().contains("sm_75"), xavier.get(0).reason());
            List<OpPlacement> none = place(m, 1, "nvidia-sm90", null, Mode.EXPLICIT);
            assertEquals(0, onGpu(none));
            assertEquals("no CUDA device", none.get(0).reason());
            // 300 M MACs: on an H100 host everything goes to the GPU.
            assertEquals(m.operators().size(), onGpu(place(m, 1, "nvidia-sm90", H100, Mode.AUTO)));
        }
    }

    @Test
    void explicitPutsEveryKernelOpOnTheGpuAndTheRestOnTheCpuWithTransfers() throws Exception {
        try (Model m = Model.load(SharedFiles.model("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite"))) {
            Graph g = m.graph();
            List<OpPlacement> p = place(m, 1, "x86_64-generic", H100, Mode.EXPLICIT);
            OpPlacement first = p.get(0);
            OpPlacement last = p.get(p.size() - 1);
            assertEquals("QUANTIZE", first.opType());
            assertFalse(first.gpu());
            assertTrue(first.reason().contains("no CUDA kernel for QUANTIZE"), first.reason());
            // it ends with a QUANTIZE (int8 -> uint8) too: CPU again, after one download
            assertEquals("QUANTIZE", last.opType());
            assertFalse(last.gpu());
            assertEquals(p.size() - 2, onGpu(p));
            int[][] shapes = BatchShapes.of(g, 0, 1);
            CudaProgram prog = new CudaProgramBuilder(g, shapes, MemoryPlan.of(g, shapes), "tflite-ref").build(p);
            List<CudaProgram.Step> s = prog.steps();
            assertInstanceOf(CudaProgram.Host.class, s.get(0));
            assertInstanceOf(CudaProgram.Upload.class, s.get(1));
            assertEquals(g.operators().get(0).output(0), ((CudaProgram.Upload) s.get(1)).tensor());
            assertInstanceOf(CudaProgram.Download.class, s.get(s.size() - 2));
            assertInstanceOf(CudaProgram.Host.class, s.get(s.size() - 1));
            assertEquals(3, Phases.of(prog).size());
        }
    }

    @Test
    void dp4aOnlyWhereItsConditionsHold() throws Exception {
        try (Model m = Model.load(SharedFiles.model("mlperf-tiny/vww_96_int8.tflite"))) {
            List<OpPlacement> p = place(m, 1, "nvidia-sm80", EmulatorParityTest.T4, Mode.EXPLICIT);
            // First conv: 3 input channels -> scalar (4 output channels per thread: 8 outputs); 1x1 convs on 8+
            // channels -> dp4a on sm_75 ...
            assertEquals(CudaKernel.CONV2D_SCALAR_C4, p.get(0).kernel());
            assertTrue(p.stream().anyMatch(o -> o.kernel() == CudaKernel.CONV2D_DP4A));
            assertTrue(p.stream().noneMatch(o -> o.kernel() == CudaKernel.CONV2D_MMA));
            // ... and tensor cores from sm_80
            List<OpPlacement> h = place(m, 1, "nvidia-sm90", H100, Mode.EXPLICIT);
            assertEquals(CudaKernel.CONV2D_SCALAR_C4, h.get(0).kernel());
            assertTrue(h.stream().anyMatch(o -> o.kernel() == CudaKernel.CONV2D_MMA));
            assertTrue(h.stream().noneMatch(o -> o.kernel() == CudaKernel.CONV2D_DP4A));
            DeviceProfile prof = Profiles.builtIn("nvidia-sm90");
            assertTrue(prof.choices().gpuOffload().enabled());
        }
        try (Model u8 = Model.load(SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"))) {
            // uint8 (weights with a zero point): the _u8 dp4a kernels, never the int8 ones or tensor cores; the
            // 3-channel first conv stays scalar.
            List<OpPlacement> p = place(u8, 1, "nvidia-sm90", H100, Mode.EXPLICIT);
            assertEquals(CudaKernel.CONV2D_SCALAR_C4, p.get(0).kernel());
            assertTrue(p.stream().anyMatch(o -> o.kernel() == CudaKernel.CONV2D_DP4A_U8));
            assertTrue(p.stream().noneMatch(o -> o.kernel() == CudaKernel.CONV2D_DP4A || o.kernel() == CudaKernel.FC_DP4A
                    || o.kernel() == CudaKernel.CONV2D_MMA));
        }
    }

    @Test
    void aDisabledKernelsOpsRunOnTheCpu() throws Exception {
        try (Model m = Model.load(SharedFiles.model("mlperf-tiny/vww_96_int8.tflite"))) {
            System.setProperty("edgert.cuda.disable", "ecu_dwconv, ecu_dwconv_c4, ecu_softmax");
            List<OpPlacement> p;
            try {
                p = place(m, 1, "nvidia-sm90", H100, Mode.EXPLICIT);
            } finally {
                System.clearProperty("edgert.cuda.disable");
            }
            for (OpPlacement o : p) {
                boolean off = o.opType().equals("DEPTHWISE_CONV_2D") || o.opType().equals("SOFTMAX");
                assertEquals(!off, o.gpu(), o.toString());
                if (off) {
                    assertTrue(o.reason().contains("disabled by -Dedgert.cuda.disable"), o.reason());
                }
            }
            assertEquals(m.operators().size(), onGpu(place(m, 1, "nvidia-sm90", H100, Mode.EXPLICIT)));
        }
    }
}
