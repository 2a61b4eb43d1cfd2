package io.edgert.runtime;

/**
 * Base of everything that owns native memory or handles. {@link #close()} is idempotent; every public method of a
 * subclass calls {@link #ensureOpen()} first so that use after close is an {@link IllegalStateException}, never a
 * crash in native code.
 */
public abstract class NativeResource implements AutoCloseable {
    private volatile boolean closed;

    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }

    public final boolean isClosed() {
        return closed;
    }

    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        doClose();
    }

    /** Releases the native state; called once. */
    protected abstract void doClose();
}
