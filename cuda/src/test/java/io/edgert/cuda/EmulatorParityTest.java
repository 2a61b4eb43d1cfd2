package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.cuda.plan.CudaProgram;
import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.cuda.plan.Placement;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a GPU: every int8/uint8 model of ../shared/models is compiled for the CUDA kernels exactly as a CUDA
 * session compiles it (placement for a simulated sm_90 or sm_75 device, parameter blocks, constants, transfers),
 * run by the host emulator (the kernels' own per-output functions, compiled by g++) with the CPU-placed ops on the
 * native kernels, and compared byte for byte with the native backend on the same seeded inputs, at batch 1 and 3,
 * in the three rounding modes. This checks everything a GPU run depends on except the device launch itself.
 */
class EmulatorParityTest {
    static final List<String> MODELS = io.edgert.cuda.tools.GpuCheck.MODELS;

    /** sm_90: int8 convs on the tensor-core kernel (emulated lane by lane). */
    static final GpuDevice H100 = new GpuDevice("simulated H100", 9, 0, 80L << 30, 132, false);
    /** sm_75: no int8 mma.sync, int8 convs on the __dp4a kernel. */
    static final GpuDevice T4 = new GpuDevice("simulated T4", 7, 5, 16L << 30, 40, false);

    static Stream<Arguments> cases() {
        List<Arguments> r = new ArrayList<>();
        for (String m : MODELS) {
            r.add(Arguments.of(m, 1, "tflite-ref", "sm_90"));
            r.add(Arguments.of(m, 3, "tflite-ref", "sm_90"));
            r.add(Arguments.of(m, 2, "tflite-ref", "sm_75"));
        }
        for (String m : List.of("mlperf-tiny/vww_96_int8.tflite", "mlperf-tiny/pretrainedResnet_quant.tflite",
                "coral/mobilenet_v1_0.25_128_quant.tflite", "tflite-micro/micro_speech_quantized.tflite")) {
            r.add(Arguments.of(m, 2, "fp32", "sm_90"));
            r.add(Arguments.of(m, 2, "single", "sm_75"));
        }
        return r.stream();
    }

    @ParameterizedTest(name = "{0} batch {1} {2} {3}")
    @MethodSource("cases")
    void emulatedCudaPlanMatchesNative(String relative, int batch, String rounding, String arch) throws Exception {
        GpuDevice device = arch.equals("sm_75") ? T4 : H100;
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        EmulatedDevice.emulator();
        try (Model model = Model.load(SharedFiles.model(relative));
             Session nat = model.newSession(Session.Options.defaults().backend("native").rounding(rounding))) {
            Graph g = model.graph();
            int[] inShape = model.input(0).shape();
            if (batch != inShape[0]) {
                inShape[0] = batch;
                nat.resizeInput(0, inShape);
            }
            int[][] shapes = BatchShapes.of(g, 0, batch);
            MemoryPlan mem = MemoryPlan.of(g, shapes);
            List<Placement.OpPlacement> placement = Placement.decide(g, shapes, Profiles.builtIn("nvidia-sm90"),
                    device, Placement.Mode.EXPLICIT);
            CudaProgram program = new CudaProgramBuilder(g, shapes, mem, rounding).build(placement);
            ByteBuffer host = EmulatedDevice.hostArena(mem.arenaBytes());
            Random rnd = new Random(relative.hashCode() * 31L + batch);
            for (int i = 0; i < g.inputs().length; i++) {
                byte[] data = new byte[nat.input(i).byteSize()];
                rnd.nextBytes(data);
                nat.input(i).putBytes(data);
                host.put((int) mem.offset(g.inputs()[i]), data);
            }
            nat.run();
            EmulatedDevice.run(program, g, shapes, mem, rounding, host);
            for (int o = 0; o < g.outputs().length; o++) {
                int t = g.outputs()[o];
                byte[] got = new byte[(int) mem.size(t)];
                host.get((int) mem.offset(t), got);
                assertArrayEquals(nat.output(o).getBytes(), got, relative + " output " + o + " batch " + batch + " "
                        + rounding + ": emulated CUDA plan differs from native; kernels " + kernels(program));
            }
            int[] counts = program.stepCounts();
            System.out.printf("%s batch %d %s %s: %d launches (%s), %d CPU ops, %d uploads, %d downloads%n",
                    relative, batch, rounding, arch, counts[2], kernels(program), counts[3], counts[0], counts[1]);
            assertTrue(counts[2] > 0, "nothing ran on the (emulated) GPU");
        }
    }

    private static String kernels(CudaProgram p) {
        Set<CudaKernel> k = EnumSet.noneOf(CudaKernel.class);
        p.launches().forEach(l -> k.add(l.kernel()));
        return Arrays.toString(k.stream().map(CudaKernel::symbol).toArray());
    }
}
