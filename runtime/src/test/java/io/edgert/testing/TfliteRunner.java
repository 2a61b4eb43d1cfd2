package io.edgert.testing;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

import java.util.List;

/** Runs a model once in a TFLite backend with float or raw-byte inputs, for tests. */
public final class TfliteRunner {
    /** Both TFLite paths: XNNPACK ({@code tflite}) and the builtin kernels ({@code tflite-ref}). */
    public static final List<String> BACKENDS = List.of("tflite", "tflite-ref");

    private TfliteRunner() {
    }

    /** Feeds float inputs (quantized by the session for int8/uint8 inputs), returns output {@code out} as floats. */
    public static float[] runFloats(Model model, String backend, int out, float[]... inputs) throws EdgertException {
        try (Session s = model.newSession(Session.Options.defaults().backend(backend))) {
            for (int i = 0; i < inputs.length; i++) {
                s.input(i).putFloats(inputs[i]);
            }
            s.run();
            return s.output(out).getFloats();
        }
    }

    /** Feeds raw little-endian input bytes, returns every output's raw bytes. */
    public static byte[][] runBytes(Model model, String backend, byte[]... inputs) throws EdgertException {
        try (Session s = model.newSession(Session.Options.defaults().backend(backend))) {
            for (int i = 0; i < inputs.length; i++) {
                s.input(i).putBytes(inputs[i]);
            }
            s.run();
            byte[][] r = new byte[s.outputCount()][];
            for (int o = 0; o < r.length; o++) {
                r[o] = s.output(o).getBytes();
            }
            return r;
        }
    }
}
