package io.edgert.quant;

import java.util.Locale;

/** Which bias correction runs after the int8 rewrite. */
public enum BiasCorrection {
    NONE,
    /**
     * The mean output shift that rounding each layer's weights causes, {@code (W_q - W) E[x]}, from the per-channel
     * input means seen in calibration (Nagel et al. 2019). Cheap: no extra model runs.
     */
    ANALYTIC,
    /**
     * The measured mean error of each layer's int8 output against the float model on (up to 32) calibration
     * samples, layer by layer in graph order so each layer sees the corrections before it. Covers activation
     * clipping too; costs two model runs per sample per layer.
     */
    EMPIRICAL;

    public static BiasCorrection parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected bias correction none, analytic or empirical, got '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
