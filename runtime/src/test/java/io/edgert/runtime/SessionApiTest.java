package io.edgert.runtime;

import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Caller errors get clear Java exceptions before anything native runs; closed sessions never crash. */
class SessionApiTest {
    private static Session open(Path model, String backend) throws Exception {
        return Model.load(model).newSession(Session.Options.defaults().backend(backend));
    }

    @Test
    void useAfterCloseThrowsIllegalState() throws Exception {
        Path p = SharedFiles.model("mlperf-tiny/ad01_int8.tflite");
        for (String backend : new String[] {"tflite", "tflite-ref", "native"}) {
            Session s = open(p, backend);
            Tensor in = s.input(0);
            s.close();
            s.close(); // idempotent
            assertThrows(IllegalStateException.class, s::run);
            assertThrows(IllegalStateException.class, () -> s.input(0));
            assertThrows(IllegalStateException.class, in::buffer);
            assertThrows(IllegalStateException.class, in::getFloats);
            assertThrows(IllegalStateException.class, () -> in.putBytes(new byte[640]));
            assertThrows(IllegalStateException.class, () -> s.resizeInput(0, 2, 640));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tflite", "native"})
    void wrongSizesAndTypesAreRejectedWithExpectedAndGot(String backend) throws Exception {
        try (Session s = open(SharedFiles.model("mlperf-tiny/kws_ref_model.tflite"), backend)) {
            Tensor in = s.input(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> in.putBytes(new byte[10]));
            assertTrue(e.getMessage().contains("expected 490") && e.getMessage().contains("got 10"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> in.putFloats(new float[3]));
            assertTrue(e.getMessage().contains("expected 490"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> in.putUint8(new int[490]));
            assertTrue(e.getMessage().contains("int8"), e.getMessage());
            float[] withNan = new float[490];
            withNan[7] = Float.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> in.putFloats(withNan));
            assertTrue(e.getMessage().contains("NaN at element 7"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.input("no-such-input"));
            assertThrows(IndexOutOfBoundsException.class, () -> s.output(5));
        }
    }

    @Test
    void floatPutQuantizesWithTheTensorsParameters() throws Exception {
        try (Session s = open(SharedFiles.model("mlperf-tiny/ad01_int8.tflite"), "tflite-ref")) {
            Tensor in = s.input(0);
            Quantization q = in.quantization();
            float[] x = new float[640];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i - 320) * 0.37f;
            }
            in.putFloats(x);
            byte[] raw = in.getInt8();
            for (int i = 0; i < x.length; i++) {
                long expected = Math.max(-128, Math.min(127, Math.round(x[i] / q.scale()) + q.zeroPoint()));
                // TFLite rounds half away from zero; Math.round only differs at exact .5 negatives.
                assertTrue(Math.abs(raw[i] - expected) <= 1, "element " + i);
            }
            float[] back = in.getFloats();
            for (int i = 0; i < x.length; i++) {
                float clamped = Math.max(q.scale() * (-128 - q.zeroPoint()), Math.min(q.scale() * (127 - q.zeroPoint()), x[i]));
                assertEquals(clamped, back[i], q.scale() / 2 + 1e-4f, "element " + i);
            }
        }
    }

    @Test
    void batchDimensionResizesAndRunsPerSample() throws Exception {
        Path p = SharedFiles.model("mlperf-tiny/vww_96_int8.tflite");
        for (String backend : new String[] {"tflite", "tflite-ref", "native"}) {
            try (Session single = open(p, backend); Session batched = open(p, backend)) {
                byte[] a = random(96 * 96 * 3, 1);
                byte[] b = random(96 * 96 * 3, 2);
                batched.resizeInput(0, 2, 96, 96, 3);
                assertArrayEquals(new int[] {2, 96, 96, 3}, batched.input(0).shape());
                assertArrayEquals(new int[] {2, 2}, batched.output(0).shape());
                byte[] both = new byte[a.length * 2];
                System.arraycopy(a, 0, both, 0, a.length);
                System.arraycopy(b, 0, both, a.length, b.length);
                batched.input(0).putInt8(both);
                batched.run();
                byte[] out = batched.output(0).getInt8();
                single.input(0).putInt8(a);
                single.run();
                assertArrayEquals(single.output(0).getInt8(), Arrays.copyOfRange(out, 0, 2), backend);
                single.input(0).putInt8(b);
                single.run();
                assertArrayEquals(single.output(0).getInt8(), Arrays.copyOfRange(out, 2, 4), backend);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> batched.resizeInput(0, 2, 95, 96, 3));
                assertTrue(e.getMessage().contains("fixed at 96"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> batched.resizeInput(0, 2, 96, 96));
                assertThrows(IllegalArgumentException.class, () -> batched.resizeInput(0, 0, 96, 96, 3));
            }
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Session.Options.defaults().threads(0));
        assertThrows(IllegalArgumentException.class, () -> Session.Options.defaults().rounding("banker"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.edgert.runtime.backend.Backends.get("gpu-magic"));
        assertTrue(e.getMessage().contains("tflite-ref"), e.getMessage());
    }

    static byte[] random(int n, long seed) {
        byte[] r = new byte[n];
        new Random(seed).nextBytes(r);
        return r;
    }
}
