package io.edgert.quant.calib;

/**
 * Calibration statistics of one float tensor: running min/max (pass 1), a histogram over [min, max] (pass 2, only
 * for the histogram methods) and per-channel means over the last axis (for bias correction).
 */
public final class TensorStats {
    public static final int BINS = 2048;

    private final int channels;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private final double[] channelSums;
    private long samples;
    private long elements;
    private long[] histogram;
    private float histMin;
    private float histMax;

    public TensorStats(int channels) {
        this.channels = Math.max(1, channels);
        this.channelSums = new double[this.channels];
    }

    /** Pass 1: range and channel sums. */
    public void observe(float[] x) {
        float lo = min;
        float hi = max;
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
            channelSums[i % channels] += v;
        }
        min = lo;
        max = hi;
        samples++;
        elements += x.length;
    }

    /** Starts pass 2 over the range seen in pass 1. */
    public void startHistogram() {
        histogram = new long[BINS];
        histMin = Math.min(min, 0f);
        histMax = Math.max(max, 0f);
    }

    /** Pass 2: histogram over [min(min,0), max(max,0)]. */
    public void histogram(float[] x) {
        float width = histMax - histMin;
        if (!(width > 0)) {
            histogram[0] += x.length;
            return;
        }
        float k = BINS / width;
        for (float v : x) {
            int b = (int) ((v - histMin) * k);
            histogram[Math.max(0, Math.min(BINS - 1, b))]++;
        }
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    public boolean hasHistogram() {
        return histogram != null;
    }

    public long[] bins() {
        return histogram;
    }

    public float histMin() {
        return histMin;
    }

    public float histMax() {
        return histMax;
    }

    public long sampleCount() {
        return samples;
    }

    /** Mean of each channel (last axis) over all samples and positions. */
    public double[] channelMeans() {
        double[] m = new double[channels];
        double per = (double) elements / channels;
        for (int c = 0; c < channels; c++) {
            m[c] = per == 0 ? 0 : channelSums[c] / per;
        }
        return m;
    }

    public int channels() {
        return channels;
    }
}
