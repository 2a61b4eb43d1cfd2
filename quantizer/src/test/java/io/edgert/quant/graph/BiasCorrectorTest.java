package io.edgert.quant.graph;

import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.TensorT;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BiasCorrectorTest {
    @Test
    void subtractsTheMeanShiftOfRoundedWeights() {
        // FC [O=1, I=2]: float weights {1.0, 0.3}, quantized with one scale 1/127 -> 0.3 rounds to 38/127 = 0.2992...
        float[] w = {1.0f, 0.3f};
        WeightQuantizer.Result q = WeightQuantizer.quantize(w, new int[] {1, 2}, 0, true);
        double dw1 = q.dequantize(1, 0) - w[1];
        double[] inputMeans = {0, 1000};
        float biasScale = 1e-4f;
        ModelT m = new ModelT();
        BufferT empty = new BufferT();
        BufferT bias = new BufferT();
        bias.setData(Buffers.ofInts(new int[] {5000}));
        m.setBuffers(new BufferT[] {empty, bias});
        TensorT bt = new TensorT();
        bt.setBuffer(1);
        bt.setQuantization(Int8Rewriter.symmetric(new float[] {biasScale}, 0));
        WeightedLayer l = new WeightedLayer(null, BuiltinOperator.FULLY_CONNECTED, "fc", 0, 1, 2, 0, new int[] {1, 2},
                0, w, q, 1f);
        double largest = BiasCorrector.correct(m, new TensorT[] {bt}, l, inputMeans);
        assertEquals(Math.abs(dw1 * 1000), largest, 1e-6);
        int[] d = m.getBuffers()[1].getData();
        int corrected = d[0] | d[1] << 8 | d[2] << 16 | d[3] << 24;
        assertEquals(5000 - BiasMath.toInt32(dw1 * 1000, biasScale), corrected);
    }
}
