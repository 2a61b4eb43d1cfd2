package io.edgert.runtime.backend;

import io.edgert.jni.NativePlan;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Session.Options.threads reaches the native plan's thread pool; out-of-range counts fail in Java, clearly. */
class NativeThreadsTest {
    private static final String VWW = "mlperf-tiny/vww_96_int8.tflite";

    @BeforeAll
    static void nativeLoads() {
        assumeTrue(NativeBackend.ensureLoadedForTests(), "native library not loaded");
    }

    @Test
    void tooManyThreadsIsAClearError() throws Exception {
        try (Model model = Model.load(SharedFiles.model(VWW))) {
            EdgertException e = assertThrows(EdgertException.class,
                    () -> model.newSession(Session.Options.defaults().backend("native").threads(65)));
            assertTrue(e.getMessage().contains("1 to 64 threads, got 65"), e.getMessage());
        }
    }

    @Test
    void everyThreadCountGivesTheSameOutputsRunAfterRun() throws Exception {
        try (Model model = Model.load(SharedFiles.model(VWW));
             Session one = model.newSession(Session.Options.defaults().backend("native"))) {
            byte[] input = new byte[one.input(0).byteSize()];
            new Random(7).nextBytes(input);
            one.input(0).putBytes(input);
            one.run();
            byte[] expected = one.output(0).getBytes();
            for (int threads : new int[] {2, 3, 64}) {
                try (Session s = model.newSession(Session.Options.defaults().backend("native").threads(threads))) {
                    for (int run = 0; run < 3; run++) {
                        s.input(0).putBytes(input);
                        s.run();
                        assertArrayEquals(expected, s.output(0).getBytes(), threads + " threads, run " + run);
                    }
                }
            }
        }
    }

    @Test
    void nativeRejectsOutOfRangeCountsToo() {
        NativePlan.Handle h = NativePlan.edgert_plan_create(NativePlan.REQUANT_GEMMLOWP);
        try {
            assertEquals(-1, NativePlan.edgert_plan_set_threads(h, 0));
            assertTrue(NativePlan.edgert_plan_error(h).getString().contains("threads must be in [1, 64]"));
            assertEquals(1, NativePlan.edgert_plan_threads(h));
            assertEquals(0, NativePlan.edgert_plan_set_threads(h, 2));
            assertEquals(2, NativePlan.edgert_plan_threads(h));
        } finally {
            NativePlan.edgert_plan_destroy(h);
        }
    }
}
