package io.edgert.quant.calib;

import java.util.Locale;

/** How an activation's int8 range is chosen from its calibration statistics. */
public enum CalibrationMethod {
    /** The observed minimum and maximum. */
    MINMAX,
    /** The lower and upper percentiles (99.99 by default) of the observed values. */
    PERCENTILE,
    /** The clipping range that minimizes the expected squared quantization error (clipping plus rounding). */
    MSE,
    /**
     * The clipping range that minimizes the KL divergence between float and quantized histograms (TensorRT's
     * entropy calibration). Clips hard: on MobileNet-style ReLU activations it keeps a fifth of the range, which costs
     * the rare large activations these nets rely on (see the yardstick numbers); prefer mse there.
     */
    KL;

    public static CalibrationMethod parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a calibration method minmax, percentile, mse or kl, got '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
