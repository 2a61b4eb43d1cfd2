package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.runtime.EdgertException;
import org.bytedeco.javacpp.BytePointer;

/**
 * What a CUDA session needs from the device, on one stream: memory, asynchronous copies, kernel launches, graph
 * capture and replay. {@link DriverGpuApi} implements it with the CUDA driver API; the tests implement it with the
 * host emulator, so the session's own logic (phases, transfers, host ops, buffers, resizing) runs without a GPU.
 * Stream operations report failures as IllegalStateException (they run inside capture callbacks).
 */
interface GpuApi extends AutoCloseable {
    /** Opens one (a stream on the device). */
    interface Factory {
        GpuApi open() throws EdgertException;
    }

    /** Makes the device usable from the calling thread (the driver's current context). */
    default void bind() throws EdgertException {
    }

    /** Device memory of {@code bytes}; its address. */
    long malloc(long bytes) throws EdgertException;

    void free(long address);

    /** Page-locked host memory of {@code bytes} (DMA without a staging copy). */
    BytePointer mallocHost(long bytes) throws EdgertException;

    void freeHost(BytePointer p);

    /** Synchronous host -> device copy (constants, parameters). */
    void copyToDevice(long dst, BytePointer src, long bytes) throws EdgertException;

    void upload(long dst, BytePointer src, long bytes);

    void download(BytePointer dst, long src, long bytes);

    /** {@code kernel<<<blocks, threads>>>(args[0], args[1], args[2])} on the stream (args are device addresses). */
    void launch(CudaKernel kernel, int blocks, int threads, long[] args);

    /** Records what {@code enqueue} puts on the stream as a graph; null when this device cannot capture. */
    Object capture(Runnable enqueue) throws EdgertException;

    void replay(Object graph);

    void destroyGraph(Object graph);

    /** Waits for the stream. */
    void sync() throws EdgertException;

    /** Releases the stream (memory is freed by the session). */
    @Override
    void close();
}
