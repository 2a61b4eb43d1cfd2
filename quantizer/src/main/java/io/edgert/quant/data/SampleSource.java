package io.edgert.quant.data;

/**
 * Float input samples for a single-input model, each laid out as the model input (C order, batch 1).
 * Calibration and evaluation both read samples through this.
 */
public interface SampleSource {
    int size();

    /** Sample {@code i} (0 &lt;= i &lt; size()), a fresh array the caller may keep. */
    float[] sample(int i);

    /** One line saying where the samples come from. */
    String describe();

    /** True for made-up data: ranges calibrated on it say little about real inputs. */
    default boolean generated() {
        return false;
    }

    /** The samples from {@code from} (inclusive) to {@code to} (exclusive), as a view. */
    default SampleSource slice(int from, int to) {
        SampleSource base = this;
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("expected a slice within [0, " + size() + "], got [" + from + ", " + to + ")");
        }
        return new SampleSource() {
            @Override
            public int size() {
                return to - from;
            }

            @Override
            public float[] sample(int i) {
                return base.sample(from + i);
            }

            @Override
            public String describe() {
                return base.describe() + " [" + from + ", " + to + ")";
            }

            @Override
            public boolean generated() {
                return base.generated();
            }
        };
    }
}
