package io.edgert.device.profile;

import io.edgert.runtime.EdgertException;

/**
 * A device profile document that does not follow the schema (device-profiles/README.md): the message names the
 * source (file or built-in resource) and the field, as {@code match.features[1]} or {@code choices.kernels.CONV_2D[0]}.
 */
public final class InvalidProfileException extends EdgertException {
    private final String source;
    private final String field;

    public InvalidProfileException(String source, String field, String problem) {
        super(source + (field != null ? ": field '" + field + "'" : "") + ": " + problem);
        this.source = source;
        this.field = field;
    }

    /** The file path or {@code builtin:<id>}. */
    public String source() {
        return source;
    }

    /** The offending field as a JSON path ({@code choices.threads}), or null for syntax errors. */
    public String field() {
        return field;
    }
}
