package io.edgert.runtime.backend;

import io.edgert.jni.TfliteLog;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps TFLite's INFO banner ("Created TensorFlow Lite XNNPACK delegate for CPU.") off stderr. */
final class TfliteLogging {
    // java.util.logging, not System.Logger: Android (API 26) has no System.Logger
    private static final Logger LOG = Logger.getLogger(TfliteLogging.class.getName());

    private TfliteLogging() {
    }

    static void silenceInfo(String tfliteLibraryPath) {
        if (Boolean.getBoolean("edgert.tflite.verbose")) {
            return;
        }
        try {
            if (!TfliteLog.setMinimumSeverity(tfliteLibraryPath, TfliteLog.WARNING)) {
                LOG.log(Level.FINE, "could not find TFLite's log-level setter in " + tfliteLibraryPath);
            }
        } catch (UnsatisfiedLinkError e) {
            LOG.log(Level.FINE, "edgert native library unavailable, TFLite INFO logs stay on: " + e);
        }
    }
}
