package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.runtime.EdgertException;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.Map;

import static io.edgert.cuda.CudaDriver.check;

/** {@link GpuApi} on the CUDA driver API (JavaCPP preset), device 0's primary context, one non-blocking stream. */
final class DriverGpuApi implements GpuApi {
    private final Map<CudaKernel, CUfunc_st> kernels;
    private CUstream_st stream;

    DriverGpuApi() throws EdgertException {
        kernels = CudaDriver.kernels();
        CudaDriver.makeCurrent();
        CUstream_st s = new CUstream_st();
        check(cudart.cuStreamCreate(s, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        stream = s;
    }

    @Override
    public void bind() throws EdgertException {
        CudaDriver.makeCurrent();
    }

    @Override
    public long malloc(long bytes) throws EdgertException {
        long[] p = new long[1];
        check(cudart.cuMemAlloc(p, Math.max(bytes, 64)), "cuMemAlloc (" + bytes + " bytes)");
        return p[0];
    }

    @Override
    public void free(long address) {
        cudart.cuMemFree(address);
    }

    @Override
    public BytePointer mallocHost(long bytes) throws EdgertException {
        Pointer p = new Pointer();
        check(cudart.cuMemAllocHost(p, Math.max(bytes, 64)), "cuMemAllocHost (" + bytes + " bytes)");
        return new BytePointer(p).capacity(bytes);
    }

    @Override
    public void freeHost(BytePointer p) {
        cudart.cuMemFreeHost(p);
    }

    @Override
    public void copyToDevice(long dst, BytePointer src, long bytes) throws EdgertException {
        check(cudart.cuMemcpyHtoD(dst, src, bytes), "cuMemcpyHtoD");
    }

    @Override
    public void upload(long dst, BytePointer src, long bytes) {
        must(cudart.cuMemcpyHtoDAsync(dst, src, bytes, stream), "cuMemcpyHtoDAsync");
    }

    @Override
    public void download(BytePointer dst, long src, long bytes) {
        must(cudart.cuMemcpyDtoHAsync(dst, src, bytes, stream), "cuMemcpyDtoHAsync");
    }

    @Override
    public void launch(CudaKernel kernel, int blocks, int threads, long[] args) {
        // cuLaunchKernel copies the argument values (also while capturing), so they may be freed right after.
        try (LongPointer a0 = new LongPointer(1).put(args[0]);
             LongPointer a1 = new LongPointer(1).put(args[1]);
             LongPointer a2 = new LongPointer(1).put(args[2]);
             PointerPointer<LongPointer> params = new PointerPointer<>(a0, a1, a2)) {
            must(cudart.cuLaunchKernel(kernels.get(kernel), blocks, 1, 1, threads, 1, 1, 0, stream, params, null),
                    "cuLaunchKernel(" + kernel.symbol() + ")");
        }
    }

    @Override
    public Object capture(Runnable enqueue) throws EdgertException {
        check(cudart.cuStreamBeginCapture(stream, cudart.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
        CUgraph_st graph = new CUgraph_st();
        try {
            enqueue.run();
        } catch (IllegalStateException e) {
            cudart.cuStreamEndCapture(stream, graph);
            if (!graph.isNull()) {
                cudart.cuGraphDestroy(graph);
            }
            throw new EdgertException(e.getMessage());
        }
        check(cudart.cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        CUgraphExec_st exec = new CUgraphExec_st();
        try {
            check(cudart.cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate");
        } finally {
            cudart.cuGraphDestroy(graph);
        }
        return exec;
    }

    @Override
    public void replay(Object graph) {
        must(cudart.cuGraphLaunch((CUgraphExec_st) graph, stream), "cuGraphLaunch");
    }

    @Override
    public void destroyGraph(Object graph) {
        cudart.cuGraphExecDestroy((CUgraphExec_st) graph);
    }

    @Override
    public void sync() throws EdgertException {
        check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public void close() {
        if (stream != null) {
            cudart.cuStreamSynchronize(stream);
            cudart.cuStreamDestroy(stream);
            stream = null;
        }
    }

    static void must(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("backend 'cuda': " + what + " failed: " + CudaDriver.error(rc));
        }
    }
}
