package io.edgert.quant.data;

import java.util.SplittableRandom;

/** Uniform random samples in [low, high]: a last resort when no calibration data is given, or for audio-like inputs. */
public final class RandomSamples implements SampleSource {
    private final int count;
    private final int elements;
    private final float low;
    private final float high;
    private final long seed;
    private final boolean generated;

    /**
     * @param generated whether to flag the data as made up (true for the CLI fallback; false when a caller draws
     *                  inputs on purpose within a known input range)
     */
    public RandomSamples(int count, int elements, float low, float high, long seed, boolean generated) {
        if (!(high > low)) {
            throw new IllegalArgumentException("expected low < high, got [" + low + ", " + high + "]");
        }
        this.count = count;
        this.elements = elements;
        this.low = low;
        this.high = high;
        this.seed = seed;
        this.generated = generated;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public float[] sample(int i) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
        float[] x = new float[elements];
        for (int k = 0; k < elements; k++) {
            x[k] = (float) (low + (high - low) * r.nextDouble());
        }
        return x;
    }

    @Override
    public String describe() {
        return count + " uniform random samples in [" + low + ", " + high + "] (seed " + seed + ")";
    }

    @Override
    public boolean generated() {
        return generated;
    }
}
