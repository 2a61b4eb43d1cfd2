package io.edgert.quant;

import io.edgert.quant.data.RandomSamples;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.io.RandomInputs;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What edgert quantizes, edgert's own kernels run: bit-exact with TFLite's builtin kernels, as for any model. */
class QuantizedModelsOnNativeTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlperf-tiny/pretrainedResnet.tflite", "mlperf-tiny/vww_96_float.tflite",
            "mlperf-tiny/kws_ref_model_float32.tflite", "mlperf-tiny/ad01_fp32.tflite"})
    void quantizedModelRunsOnNativeLikeTfliteRef(String name) throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model(name));
        int n;
        try (Model m = Model.load(f)) {
            n = (int) m.input(0).elementCount();
        }
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults())
                .quantize(f, new RandomSamples(8, n, 0f, 1f, 1, false), null);
        try (Model m = Model.load(r.model());
             Session nat = m.newSession(Session.Options.defaults().backend("native"));
             Session ref = m.newSession(Session.Options.defaults().backend("tflite-ref"))) {
            assertEquals("native", nat.backendName());
            for (long seed = 0; seed < 3; seed++) {
                RandomInputs.fill(nat, seed);
                RandomInputs.fill(ref, seed);
                nat.run();
                ref.run();
                for (int o = 0; o < ref.outputCount(); o++) {
                    assertArrayEquals(ref.output(o).getBytes(), nat.output(o).getBytes(), name + " output " + o);
                }
            }
        }
    }
}
