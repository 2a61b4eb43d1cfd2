package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

/** An execution engine for whole models. Implementations are stateless factories of {@link BackendSession}s. */
public interface Backend {
    /** The name users select it by: {@code tflite}, {@code tflite-ref}, {@code native}, {@code cuda}. */
    String name();

    /** Whether it can run on this machine (native libraries load, device present). Never throws. */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, or null. */
    String unavailableReason();

    /** Prepares the model for execution. Throws {@link io.edgert.runtime.UnsupportedOpException} for ops it can't run. */
    BackendSession open(Model model, Session.Options options) throws EdgertException;
}
