package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;
import io.edgert.runtime.UnsupportedOpException;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every real model TensorFlow Lite can run runs on both TFLite backends, deterministically and in agreement. */
class TfliteBackendTest {
    /** Models stock TFLite 2.20 cannot run, with the reason (shared/models/README.md). */
    private static final List<String> TFLITE_REFUSES = List.of("model_invoking_error.tflite", "person_detect.tflite");

    static List<Path> models() {
        SharedFiles.require(); // skips (with the reason) instead of an empty parameter list
        return SharedFiles.allModels();
    }

    @ParameterizedTest
    @MethodSource("models")
    void runsOnBothTfliteBackends(Path path) throws Exception {
        Assumptions.assumeFalse(TFLITE_REFUSES.contains(path.getFileName().toString()), "stock TFLite refuses it");
        try (Model model = Model.load(path);
             Session xnn = model.newSession(Session.Options.defaults().backend("tflite"));
             Session ref = model.newSession(Session.Options.defaults().backend("tflite-ref"))) {
            for (int i = 0; i < xnn.inputCount(); i++) {
                byte[] data = new byte[xnn.input(i).byteSize()];
                new Random(42 + i).nextBytes(data);
                if (xnn.input(i).dataType() == io.edgert.runtime.DataType.FLOAT32) {
                    float[] f = new float[(int) xnn.input(i).elementCount()];
                    Random r = new Random(42 + i);
                    for (int k = 0; k < f.length; k++) {
                        f[k] = r.nextFloat();
                    }
                    xnn.input(i).putFloats(f);
                    ref.input(i).putFloats(f);
                } else {
                    xnn.input(i).putBytes(data);
                    ref.input(i).putBytes(data);
                }
            }
            xnn.run();
            ref.run();
            for (int o = 0; o < xnn.outputCount(); o++) {
                Tensor a = xnn.output(o);
                Tensor b = ref.output(o);
                assertArrayEquals(a.shape(), b.shape());
                assertEquals(a.dataType(), b.dataType());
                float[] fa = a.dataType().isQuantizedType() || a.dataType() == io.edgert.runtime.DataType.FLOAT32
                        ? a.getFloats() : null;
                if (fa != null) {
                    float[] fb = b.getFloats();
                    double maxAbs = 0;
                    for (float v : fb) {
                        maxAbs = Math.max(maxAbs, Math.abs(v));
                    }
                    for (int k = 0; k < fa.length; k++) {
                        // The two paths round differently (fp32 vs gemmlowp requantization): small drift only.
                        assertEquals(fb[k], fa[k], 0.05 * maxAbs + 0.05, path.getFileName() + " output " + o + "[" + k + "]");
                    }
                }
                boolean stateful = model.tensors().stream().anyMatch(t -> t.isVariable());
                if (!stateful) { // recurrent models (the LSTM) carry state from run to run
                    byte[] first = a.getBytes();
                    xnn.run();
                    assertArrayEquals(first, a.getBytes(), "tflite is deterministic for the same input");
                }
            }
        }
    }

    @Test
    void unknownCustomOpFailsNamingTheOp() throws Exception {
        try (Model model = Model.load(SharedFiles.model("coral/model_invoking_error.tflite"))) {
            for (String backend : new String[] {"tflite", "tflite-ref"}) {
                UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                        () -> model.newSession(Session.Options.defaults().backend(backend)));
                assertEquals(model.operators().get(0).customCode(), e.op());
                assertTrue(e.getMessage().contains("custom operator '" + e.op() + "'"), e.getMessage());
            }
        }
    }

    @Test
    void personDetectIsAcceptedWithAWarningButStockTfliteRefusesIt() throws Exception {
        try (Model model = Model.load(SharedFiles.model("tflite-micro/person_detect.tflite"))) {
            assertFalse(model.warnings().isEmpty());
            assertTrue(model.warnings().get(0).contains("quantized_dimension"), model.warnings().toString());
            EdgertException e = assertThrows(EdgertException.class,
                    () -> model.newSession(Session.Options.defaults().backend("tflite-ref")));
            assertTrue(e.getMessage().contains("could not build an interpreter"), e.getMessage());
        }
    }

    /** TFLite prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." unless edgert lowers its log level. */
    @Test
    void tfliteInfoBannerIsSilenced() throws Exception {
        Path model = SharedFiles.model("mlperf-tiny/ad01_int8.tflite");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OpenOneSession.class.getName(), model.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = out.toString();
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("ran ok"), text);
        assertFalse(text.contains("INFO: Created TensorFlow Lite"), text);
    }

    /** Child-process entry point for {@link #tfliteInfoBannerIsSilenced()}. */
    public static final class OpenOneSession {
        public static void main(String[] args) throws Exception {
            try (Model m = Model.load(Path.of(args[0]));
                 Session s = m.newSession(Session.Options.defaults().backend("tflite"))) {
                s.run();
                System.out.println("ran ok" + File.separator.charAt(0));
            }
        }
    }
}
