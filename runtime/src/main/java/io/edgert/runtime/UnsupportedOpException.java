package io.edgert.runtime;

/** An operator the chosen backend cannot run (unknown custom op, unsupported type combination...). */
public class UnsupportedOpException extends EdgertException {
    private final String op;

    public UnsupportedOpException(String op, String message) {
        super(message);
        this.op = op;
    }

    /** The operator name, e.g. {@code CONV_2D} or the custom code {@code FakeOpDouble}. */
    public String op() {
        return op;
    }
}
