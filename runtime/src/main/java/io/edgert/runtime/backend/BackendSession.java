package io.edgert.runtime.backend;

import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Quantization;

import java.nio.ByteBuffer;

/**
 * A prepared model on one backend. {@link io.edgert.runtime.Session} checks every argument before calling in
 * (indices, shapes, closed state), so implementations may assume valid calls.
 */
public interface BackendSession extends AutoCloseable {
    int inputCount();

    int outputCount();

    /** Current metadata of input {@code i} (shapes change after {@link #resizeInput}). */
    TensorSpec input(int i);

    TensorSpec output(int i);

    /**
     * Direct buffer over input {@code i}'s memory, native byte order, position 0, capacity = its byte size. Valid
     * until the next {@link #resizeInput} or {@link #close}.
     */
    ByteBuffer inputBuffer(int i);

    ByteBuffer outputBuffer(int i);

    /** Changes the shape of input {@code i} and re-plans; all buffers obtained before are invalid afterwards. */
    void resizeInput(int i, int[] shape) throws EdgertException;

    /** Runs one inference over the current input buffers. */
    void run() throws EdgertException;

    /** The backend's name as the user chose it ({@code tflite}, {@code native}...). */
    String backendName();

    /** Per-op timings of the last run in nanoseconds, or null when the backend does not record them. */
    default long[] lastOpTimesNanos() {
        return null;
    }

    /**
     * Bytes of activation memory the backend uses for this model (its arena), or -1 when it can't tell. For
     * comparing memory planners across backends.
     */
    default long arenaBytes() {
        return -1;
    }

    @Override
    void close();

    /** Metadata of one session tensor. */
    record TensorSpec(String name, int[] shape, DataType dataType, Quantization quantization) {
        public TensorSpec {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }
}
