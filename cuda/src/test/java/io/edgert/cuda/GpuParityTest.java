package io.edgert.cuda;

import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a real GPU: every int8/uint8 model of ../shared/models gives the same bytes on {@code cuda} as on
 * {@code native}, at batch 1 and 8, on seeded random inputs, with the CUDA graphs replayed twice (a replay must
 * not depend on state left by the previous one). Skips with "no CUDA device" elsewhere.
 */
class GpuParityTest {
    static Stream<Arguments> cases() {
        List<Arguments> r = new ArrayList<>();
        for (String m : EmulatorParityTest.MODELS) {
            r.add(Arguments.of(m, 1));
            r.add(Arguments.of(m, 8));
        }
        return r.stream();
    }

    @ParameterizedTest(name = "{0} batch {1}")
    @MethodSource("cases")
    void cudaMatchesNative(String relative, int batch) throws Exception {
        String reason = new CudaBackend().unavailableReason();
        Assumptions.assumeTrue(reason == null, "no CUDA device: " + reason);
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        try (Model model = Model.load(SharedFiles.model(relative));
             Session nat = model.newSession(Session.Options.defaults().backend("native"));
             Session gpu = model.newSession(Session.Options.defaults().backend("cuda"))) {
            assertEquals("cuda", gpu.backendName());
            if (batch != model.input(0).shape()[0]) {
                int[] shape = model.input(0).shape();
                shape[0] = batch;
                nat.resizeInput(0, shape);
                gpu.resizeInput(0, shape);
            }
            for (int seed = 0; seed < 2; seed++) {
                Random rnd = new Random(relative.hashCode() + 7919L * seed + batch);
                for (int i = 0; i < nat.inputCount(); i++) {
                    byte[] data = new byte[nat.input(i).byteSize()];
                    rnd.nextBytes(data);
                    nat.input(i).putBytes(data);
                    gpu.input(i).putBytes(data);
                }
                nat.run();
                gpu.run();
                for (int o = 0; o < nat.outputCount(); o++) {
                    assertArrayEquals(nat.output(o).getBytes(), gpu.output(o).getBytes(),
                            relative + " batch " + batch + " seed " + seed + " output " + o);
                }
            }
        }
    }
}
