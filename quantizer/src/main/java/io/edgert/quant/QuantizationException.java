package io.edgert.quant;

import io.edgert.runtime.EdgertException;

/** The model cannot be quantized as asked: not a float model, an op left float under {@code strict}, bad data. */
public class QuantizationException extends EdgertException {
    public QuantizationException(String message) {
        super(message);
    }

    public QuantizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
