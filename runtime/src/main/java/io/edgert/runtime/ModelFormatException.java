package io.edgert.runtime;

/**
 * The bytes are not a valid {@code .tflite} model. The message names the tensor, operator or buffer and what is
 * wrong; {@link #offset()} is the byte offset in the file where that could be located, or -1.
 */
public class ModelFormatException extends EdgertException {
    private final long offset;

    public ModelFormatException(String message) {
        this(message, -1, null);
    }

    public ModelFormatException(String message, long offset) {
        this(message, offset, null);
    }

    public ModelFormatException(String message, long offset, Throwable cause) {
        super(offset >= 0 ? message + " (at byte offset " + offset + ")" : message, cause);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
