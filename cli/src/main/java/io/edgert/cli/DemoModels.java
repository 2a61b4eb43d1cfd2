package io.edgert.cli;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;

/**
 * Models built into the CLI so that {@code edgert demo} needs no download. Filled in at merge with a
 * MobileNet-style int8 model written by the model builder.
 */
public final class DemoModels {
    private DemoModels() {
    }

    /** A small MobileNet-style int8 image classifier, generated in memory. */
    public static Model mobilenetStyleInt8() throws EdgertException {
        throw new UnsupportedOperationException("filled in at merge");
    }
}
