package io.edgert.jni;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * Shared JavaCPP build settings: every binding class in this package inherits them and is compiled into the one
 * library {@code libjniedgert.so}. Base flags stay generic; faster kernels use per-function target attributes.
 */
@Properties(value = {
        @Platform(include = {"edgert/tflite_log.h", "edgert/plan.h"}, link = "dl", library = "jniedgert",
                compiler = {"cpp17"}),
})
public final class EdgertNativeConfig {
    private EdgertNativeConfig() {
    }
}
