package io.edgert.quant.calib;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeEstimatorTest {
    /** ReLU-like data: half exact zeros, the rest |N(0,1)|, plus one far outlier at 50. */
    private static TensorStats reluWithOutlier() {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[100_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 2 == 0 ? 0 : (float) Math.abs(r.nextGaussian());
        }
        x[7] = 50;
        TensorStats s = new TensorStats(1);
        s.observe(x);
        s.startHistogram();
        s.histogram(x);
        return s;
    }

    @Test
    void minmaxKeepsTheOutlier() {
        float[] r = RangeEstimator.range(reluWithOutlier(), CalibrationMethod.MINMAX, 99.99);
        assertEquals(0f, r[0]);
        assertEquals(50f, r[1]);
    }

    @Test
    void histogramMethodsClipTheOutlierButNotTheBulk() {
        TensorStats s = reluWithOutlier();
        // MSE is left out: one outlier clipped from 50 to 4 costs more squared error than coarser rounding of all.
        for (CalibrationMethod m : new CalibrationMethod[] {CalibrationMethod.PERCENTILE, CalibrationMethod.KL}) {
            float[] r = RangeEstimator.range(s, m, 99.99);
            assertEquals(0f, r[0], 1e-6, m.label());
            // |N(0,1)| has 99.99% of its mass below ~3.9: a good range ends between 2.5 and 25
            assertTrue(r[1] > 2.5 && r[1] < 25, m.label() + " picked " + r[1]);
        }
    }

    @Test
    void mseClipsALongTail() {
        SplittableRandom r = new SplittableRandom(2);
        float[] x = new float[200_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) -Math.log(1 - r.nextDouble()); // exponential: a tail, no single outlier
        }
        TensorStats s = new TensorStats(1);
        s.observe(x);
        s.startHistogram();
        s.histogram(x);
        float[] range = RangeEstimator.range(s, CalibrationMethod.MSE, 99.99);
        assertTrue(range[1] < 0.9 * s.max() && range[1] > 4, "mse picked " + range[1] + " of max " + s.max());
    }

    @Test
    void rangeAlwaysContainsZero() {
        TensorStats s = new TensorStats(1);
        float[] x = {2f, 3f, 4f};
        s.observe(x);
        float[] r = RangeEstimator.range(s, CalibrationMethod.MINMAX, 99.99);
        assertEquals(0f, r[0]);
        assertEquals(4f, r[1]);
    }

    @Test
    void channelMeansFollowTheLastAxis() {
        TensorStats s = new TensorStats(2);
        s.observe(new float[] {1, 10, 3, 20});
        assertEquals(2.0, s.channelMeans()[0], 1e-9);
        assertEquals(15.0, s.channelMeans()[1], 1e-9);
    }

    @Test
    void methodNamesParse() {
        assertEquals(CalibrationMethod.KL, CalibrationMethod.parse("KL"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CalibrationMethod.parse("entropy"));
        assertTrue(e.getMessage().contains("minmax, percentile, mse or kl"));
    }
}
