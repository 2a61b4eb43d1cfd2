package io.edgert.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Properties;

/** Binding for {@code edgert/tflite_log.h}. */
@Properties(inherit = EdgertNativeConfig.class)
public final class TfliteLog {
    /** {@code tflite::LogSeverity} values. */
    public static final int VERBOSE = 0;
    public static final int INFO = 1;
    public static final int WARNING = 2;
    public static final int ERROR = 3;
    public static final int SILENT = 4;

    static {
        Loader.load();
    }

    private TfliteLog() {
    }

    /** Sets TFLite's minimum log severity in the library at {@code libraryPath}; false if it isn't loaded. */
    @Name("edgert_tflite_set_min_log_severity")
    public static native boolean setMinimumSeverity(String libraryPath, int severity);
}
