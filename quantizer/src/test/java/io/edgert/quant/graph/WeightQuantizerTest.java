package io.edgert.quant.graph;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightQuantizerTest {
    @Test
    void perChannelAlongAxisZeroUsesTheSymmetricRange() {
        // [O=2, I=3]: channel 0 max 2.54, channel 1 max 0.127
        float[] w = {2.54f, -1.27f, 0f, 0.127f, -0.127f, 0.0635f};
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, new int[] {2, 3}, 0, true);
        assertEquals(0.02f, r.scales()[0], 1e-7);
        assertEquals(0.001f, r.scales()[1], 1e-8);
        assertArrayEquals(new byte[] {127, -64, 0, 127, -127, 64}, r.values());
    }

    @Test
    void depthwiseChannelsAreTheLastAxis() {
        // [1, 1, 2, C=2]
        float[] w = {1f, 10f, -0.5f, -10f};
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, new int[] {1, 1, 2, 2}, 3, true);
        assertEquals(1f / 127, r.scales()[0], 1e-8);
        assertEquals(10f / 127, r.scales()[1], 1e-7);
        assertArrayEquals(new byte[] {127, 127, -64, -127}, r.values());
    }

    @Test
    void neverProducesMinus128AndZeroChannelsGetAPositiveScale() {
        float[] w = {-1f, 1f, 0f, 0f};
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, new int[] {2, 2}, 0, true);
        for (byte b : r.values()) {
            assertTrue(b >= -127);
        }
        assertTrue(r.scales()[1] > 0);
    }

    @Test
    void perTensorUsesOneScale() {
        WeightQuantizer.Result r = WeightQuantizer.quantize(new float[] {1, -4, 2, 0.5f}, new int[] {2, 2}, 0, false);
        assertEquals(1, r.scales().length);
        assertEquals(4f / 127, r.scales()[0], 1e-7);
    }

    @Test
    void activationParamsCoverZeroAndRoundTheZeroPoint() {
        ActivationParams p = ActivationParams.fromRange(0f, 6f);
        assertEquals(6f / 255, p.scale(), 1e-7);
        assertEquals(-128, p.zeroPoint());
        ActivationParams q = ActivationParams.fromRange(-1f, 1f);
        assertEquals(0, q.quantize(0f) - q.zeroPoint());
        assertEquals(127, q.quantize(5f));
        ActivationParams positive = ActivationParams.fromRange(2f, 3f);
        assertEquals(0f, positive.low(), 1e-6);
    }

    @Test
    void biasRoundsHalfAwayFromZeroAndSaturates() {
        assertEquals(3, BiasMath.toInt32(2.5, 1));
        assertEquals(-3, BiasMath.toInt32(-2.5, 1));
        assertEquals(Integer.MAX_VALUE, BiasMath.toInt32(1e12, 1));
    }
}
