package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

/** An execution engine for whole models. Implementations are stateless factories of {@link BackendSession}s. */
public interface Backend {
    /** The name users select it by: {@code tflite}, {@code tflite-ref}, {@code native}, {@code cuda}. */
    String name();

    /** Why it cannot run on this machine (native library missing, no device), or null when it can. Never throws. */
    String unavailableReason();

    /** Whether it can run on this machine. */
    default boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Prepares the model for execution. Throws {@link io.edgert.runtime.UnsupportedOpException} for ops it can't run. */
    BackendSession open(Model model, Session.Options options) throws EdgertException;

    /**
     * For {@code auto}: a backend added through {@link java.util.ServiceLoader} (an accelerator such as
     * {@code cuda}) opens the model here when it should run it on this device (its device profile says offloading
     * pays), else returns null. {@code auto} asks these before {@code native}; the default declines.
     */
    default BackendSession openIfPreferred(Model model, Session.Options options) throws EdgertException {
        return null;
    }
}
