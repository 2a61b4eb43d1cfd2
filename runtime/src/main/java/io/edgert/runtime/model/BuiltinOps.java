package io.edgert.runtime.model;

import org.tensorflow.lite.schema.BuiltinOperator;

/** Names of TFLite builtin operator codes, safe for codes this schema version does not know. */
public final class BuiltinOps {
    private BuiltinOps() {
    }

    public static String name(int code) {
        if (code >= 0 && code < BuiltinOperator.names.length && BuiltinOperator.names[code] != null
                && !BuiltinOperator.names[code].isEmpty()) {
            return BuiltinOperator.names[code];
        }
        return "BUILTIN_" + code;
    }

    /** True when this schema version knows the code. */
    public static boolean isKnown(int code) {
        return code >= 0 && code < BuiltinOperator.names.length && BuiltinOperator.names[code] != null
                && !BuiltinOperator.names[code].isEmpty();
    }

    /** The code for a builtin name such as {@code CONV_2D}, or -1. */
    public static int code(String name) {
        for (int i = 0; i < BuiltinOperator.names.length; i++) {
            if (name.equals(BuiltinOperator.names[i])) {
                return i;
            }
        }
        return -1;
    }
}
