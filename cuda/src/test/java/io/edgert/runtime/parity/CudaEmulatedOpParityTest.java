package io.edgert.runtime.parity;

import io.edgert.cuda.EmulatedRuns;
import io.edgert.cuda.plan.CudaKernel;
import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA kernels (through the host emulator) against the native backend on the runtime's random single-op models
 * (OpCases: random shapes, strides, dilations, paddings, int8 and uint8, per-tensor and per-channel weights, zero
 * points, activations, batch sizes), for the op families the CUDA backend implements, on a simulated sm_90
 * (tensor-core conv) and sm_75 (dp4a conv), in the tflite-ref, fp32 and single roundings. In this package to reuse the
 * package-private generators of the runtime's test jar.
 */
class CudaEmulatedOpParityTest {
    private static final int CASES = Integer.getInteger("edgert.cuda.parity.cases", 30);
    private static final List<String> FAMILIES = List.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD",
            "SUB", "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "SOFTMAX", "RESHAPE", "SQUEEZE", "multi-op");

    static Stream<Arguments> cases() {
        List<Arguments> r = new ArrayList<>();
        for (String f : FAMILIES) {
            r.add(Arguments.of(f, "sm_90", "tflite-ref"));
            r.add(Arguments.of(f, "sm_75", "tflite-ref"));
            r.add(Arguments.of(f, "sm_90", "fp32"));
            r.add(Arguments.of(f, "sm_75", "single"));
        }
        return r.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void randomOpsMatchNative(String family, String arch, String rounding) throws Exception {
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        Assumptions.assumeTrue(EmulatedRuns.emulatorBuilt(), "CUDA host emulator not built: skipping");
        OpCases.Generator gen = OpCases.all().get(family);
        int compared = 0;
        Set<CudaKernel> kernels = EnumSet.noneOf(CudaKernel.class);
        for (int i = 0; i < CASES; i++) {
            long seed = family.hashCode() * 7_000_003L + i;
            try (Model model = gen.build(RandomQuant.seeded(seed))) {
                Session nat;
                try {
                    nat = model.newSession(Session.Options.defaults().backend("native").rounding(rounding));
                } catch (EdgertException rejected) {
                    continue; // a case native refuses (TFLite would too): not a parity case
                }
                try (nat) {
                    Random data = new Random(seed ^ 0x5DEECE66DL);
                    byte[][] inputs = new byte[nat.inputCount()][];
                    boolean bytesOnly = true;
                    for (int in = 0; in < inputs.length; in++) {
                        DataType t = nat.input(in).dataType();
                        bytesOnly &= t == DataType.INT8 || t == DataType.UINT8;
                        inputs[in] = new byte[nat.input(in).byteSize()];
                        data.nextBytes(inputs[in]);
                        nat.input(in).putBytes(inputs[in]);
                    }
                    if (!bytesOnly) {
                        continue;
                    }
                    nat.run();
                    EmulatedRuns.Result r = EmulatedRuns.run(model, inputs, rounding, EmulatedRuns.device(arch));
                    kernels.addAll(r.kernels());
                    for (int o = 0; o < nat.outputCount(); o++) {
                        assertArrayEquals(nat.output(o).getBytes(), r.outputs()[o], family + " case " + i + " (seed "
                                + seed + ") " + arch + " " + rounding + ": kernels " + r.kernels() + "; ops "
                                + model.operators());
                    }
                    compared++;
                }
            }
        }
        System.out.printf("cuda emulated %-18s %s %-10s: %d cases bit-exact with native, kernels %s%n", family, arch,
                rounding, compared, kernels);
        assertTrue(compared >= CASES / 2, family + ": only " + compared + " of " + CASES + " cases compared");
    }
}
