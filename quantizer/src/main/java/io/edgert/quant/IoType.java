package io.edgert.quant;

import java.util.Locale;

/** The type of the quantized model's inputs and outputs. */
public enum IoType {
    /** int8 with the calibrated parameters: no conversion ops. */
    INT8,
    /** uint8 with zero point shifted by 128; a QUANTIZE op requantizes to and from int8 at the edges. */
    UINT8,
    /** float32: QUANTIZE after each input and DEQUANTIZE before each output. */
    FLOAT;

    public static IoType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected an io type int8, uint8 or float, got '" + s + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
