package io.edgert.runtime;

/** Checked base of the errors a caller can expect and handle: bad model files, unsupported ops, backend failures. */
public class EdgertException extends Exception {
    public EdgertException(String message) {
        super(message);
    }

    public EdgertException(String message, Throwable cause) {
        super(message, cause);
    }
}
