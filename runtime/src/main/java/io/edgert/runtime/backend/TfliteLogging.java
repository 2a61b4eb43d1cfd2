package io.edgert.runtime.backend;

import io.edgert.jni.TfliteLog;

/** Keeps TFLite's INFO banner ("Created TensorFlow Lite XNNPACK delegate for CPU.") off stderr. */
final class TfliteLogging {
    private static final System.Logger LOG = System.getLogger(TfliteLogging.class.getName());

    private TfliteLogging() {
    }

    static void silenceInfo(String tfliteLibraryPath) {
        if (Boolean.getBoolean("edgert.tflite.verbose")) {
            return;
        }
        try {
            if (!TfliteLog.setMinimumSeverity(tfliteLibraryPath, TfliteLog.WARNING)) {
                LOG.log(System.Logger.Level.DEBUG, "could not find TFLite's log-level setter in " + tfliteLibraryPath);
            }
        } catch (UnsatisfiedLinkError e) {
            LOG.log(System.Logger.Level.DEBUG, "edgert native library unavailable, TFLite INFO logs stay on: " + e);
        }
    }
}
