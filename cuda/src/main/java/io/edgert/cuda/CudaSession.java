package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.cuda.plan.CudaProgram;
import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.cuda.plan.Placement;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.BackendSession;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.TensorInfo;
import io.edgert.runtime.plan.MemoryPlan;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.edgert.cuda.CudaDriver.check;

/**
 * A model on the GPU: parameters and constants (weights) uploaded once, one device arena laid out by the runtime's
 * MemoryPlan, and a pinned host copy of the arena that holds the model's inputs and outputs (the session's buffers
 * are views of it) and the tensors of CPU-placed ops. A run replays one CUDA graph per GPU phase (transfers and
 * launches captured once; {@code -Dedgert.cuda.graphs=false} launches them one by one instead) and runs the CPU
 * phases on native plans in between, synchronizing the stream before each.
 */
final class CudaSession implements BackendSession {
    static final int BLOCK = 128;

    private final Model model;
    private final Graph graph;
    private final Session.Options options;
    private final GpuDevice device;
    private final Placement.Mode mode;
    private final int[][] shapes;
    private final boolean useGraphs = !"false".equals(System.getProperty("edgert.cuda.graphs"));

    private MemoryPlan memory;
    private CudaProgram program;
    private List<Placement.OpPlacement> placement;
    private List<Phases.Phase> phases;
    private final List<AutoCloseable> hostOps = new ArrayList<>();
    private final List<CUgraphExec_st> graphs = new ArrayList<>();
    private final List<Pointer> keepAlive = new ArrayList<>();
    private List<List<Runnable>> directPhases;
    private CUstream_st stream;
    private long dArena;
    private long dParams;
    private long dConsts;
    private BytePointer hostArena;
    private ByteBuffer hostView;

    private CudaSession(Model model, Session.Options options, GpuDevice device, Placement.Mode mode) {
        this.model = model;
        this.graph = model.graph();
        this.options = options;
        this.device = device;
        this.mode = mode;
        this.shapes = BatchShapes.of(graph, 0, graph.inputs().length > 0
                && graph.input(0).shape().length > 0 ? graph.input(0).dim(0) : 1);
    }

    /** Plans the model; null when {@code mode} is AUTO and the placement puts nothing on the GPU. */
    static CudaSession open(Model model, Session.Options options, GpuDevice device, Placement.Mode mode)
            throws EdgertException {
        CudaSession s = new CudaSession(model, options, device, mode);
        try {
            if (!s.plan()) {
                s.close();
                return null;
            }
            return s;
        } catch (EdgertException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Where each op runs, and why (execution order). */
    List<Placement.OpPlacement> placement() {
        return placement;
    }

    private boolean plan() throws EdgertException {
        MemoryPlan mem = MemoryPlan.of(graph, shapes);
        // Validation: the native plan prepares every op (shapes, parameters) before anything reaches the GPU.
        int[] all = new int[graph.operators().size()];
        Arrays.setAll(all, i -> i);
        HostOps.create(graph, shapes, mem, options.rounding(), all).close();
        List<Placement.OpPlacement> pl = Placement.decide(graph, shapes, options.profileMatch().profile(), device, mode);
        if (pl.stream().noneMatch(Placement.OpPlacement::gpu)) {
            if (mode == Placement.Mode.AUTO) {
                return false;
            }
        }
        CudaProgram prog = new CudaProgramBuilder(graph, shapes, mem, options.rounding()).build(pl);
        long need = prog.arenaBytes() + prog.consts().length + 4L * prog.params().length;
        if (need > device.totalMemory()) {
            throw new EdgertException("backend 'cuda': " + model.source() + " needs " + need + " bytes of device "
                    + "memory, " + device + " has " + device.totalMemory());
        }
        release();
        memory = mem;
        program = prog;
        placement = List.copyOf(pl);
        phases = Phases.of(prog);
        allocate();
        for (Phases.Phase p : phases) {
            hostOps.add(p.isGpu() ? null : HostOps.create(graph, shapes, mem, options.rounding(), p.hostOps()));
        }
        record();
        return true;
    }

    private void allocate() throws EdgertException {
        Map<CudaKernel, CUfunc_st> kernels = CudaDriver.kernels();
        CudaDriver.makeCurrent();
        stream = new CUstream_st();
        check(cudart.cuStreamCreate(stream, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        dArena = deviceAlloc(program.arenaBytes());
        dConsts = deviceAlloc(program.consts().length);
        dParams = deviceAlloc(4L * Math.max(program.params().length, 1));
        try (BytePointer c = new BytePointer(program.consts());
             IntPointer p = new IntPointer(program.params())) {
            check(cudart.cuMemcpyHtoD(dConsts, c, program.consts().length), "cuMemcpyHtoD (constants)");
            check(cudart.cuMemcpyHtoD(dParams, p, 4L * program.params().length), "cuMemcpyHtoD (parameters)");
        }
        Pointer pinned = new Pointer();
        check(cudart.cuMemAllocHost(pinned, program.arenaBytes()), "cuMemAllocHost (" + program.arenaBytes()
                + " bytes)");
        hostArena = new BytePointer(pinned).capacity(program.arenaBytes());
        hostView = hostArena.asByteBuffer().order(ByteOrder.nativeOrder());
        if (kernels.size() != CudaKernel.values().length) {
            throw new EdgertException("backend 'cuda': kernels missing from the fatbin");
        }
    }

    private static long deviceAlloc(long bytes) throws EdgertException {
        long[] p = new long[1];
        check(cudart.cuMemAlloc(p, Math.max(bytes, 64)), "cuMemAlloc (" + bytes + " bytes)");
        return p[0];
    }

    /** Each GPU phase as a list of stream operations; captured into a CUDA graph when graphs are on. */
    private void record() throws EdgertException {
        Map<CudaKernel, CUfunc_st> kernels = CudaDriver.kernels();
        directPhases = new ArrayList<>();
        for (Phases.Phase p : phases) {
            if (!p.isGpu()) {
                directPhases.add(null);
                graphs.add(null);
                continue;
            }
            List<Runnable> ops = new ArrayList<>();
            for (CudaProgram.Step s : p.gpu()) {
                ops.add(operation(s, kernels));
            }
            directPhases.add(ops);
            graphs.add(useGraphs ? capture(ops) : null);
        }
    }

    /** One step as a stream operation; failures surface as IllegalStateException and become EdgertException. */
    private Runnable operation(CudaProgram.Step s, Map<CudaKernel, CUfunc_st> kernels) {
        if (s instanceof CudaProgram.Upload u) {
            BytePointer src = keep(hostArena.getPointer(u.offset()));
            long dst = dArena + u.offset();
            return () -> must(cudart.cuMemcpyHtoDAsync(dst, src, u.bytes(), stream), "cuMemcpyHtoDAsync");
        }
        if (s instanceof CudaProgram.Download d) {
            BytePointer dst = keep(hostArena.getPointer(d.offset()));
            long src = dArena + d.offset();
            return () -> must(cudart.cuMemcpyDtoHAsync(dst, src, d.bytes(), stream), "cuMemcpyDtoHAsync");
        }
        CudaProgram.Launch l = program.launches().get(((CudaProgram.Gpu) s).launch());
        CUfunc_st fn = kernels.get(l.kernel());
        LongPointer a0 = keep(new LongPointer(1).put(dParams + 4L * l.paramOffset()));
        LongPointer a1 = keep(new LongPointer(1).put(dArena));
        LongPointer a2 = keep(new LongPointer(1).put(dConsts));
        PointerPointer<LongPointer> args = keep(new PointerPointer<>(a0, a1, a2));
        long blocks = Math.max(1, Math.min(((long) l.count() + BLOCK - 1) / BLOCK,
                (long) Math.max(device.multiprocessors(), 1) * 32));
        return () -> must(cudart.cuLaunchKernel(fn, (int) blocks, 1, 1, BLOCK, 1, 1, 0, stream, args, null),
                "cuLaunchKernel(" + l.kernel().symbol() + ", op #" + l.op() + ")");
    }

    private CUgraphExec_st capture(List<Runnable> ops) throws EdgertException {
        check(cudart.cuStreamBeginCapture(stream, cudart.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
        CUgraph_st g = new CUgraph_st();
        try {
            for (Runnable r : ops) {
                r.run();
            }
        } catch (IllegalStateException e) {
            cudart.cuStreamEndCapture(stream, g);
            if (!g.isNull()) {
                cudart.cuGraphDestroy(g);
            }
            throw new EdgertException(e.getMessage());
        }
        check(cudart.cuStreamEndCapture(stream, g), "cuStreamEndCapture");
        CUgraphExec_st exec = new CUgraphExec_st();
        try {
            check(cudart.cuGraphInstantiate(exec, g, 0), "cuGraphInstantiate");
        } finally {
            cudart.cuGraphDestroy(g);
        }
        return exec;
    }

    private static void must(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("backend 'cuda': " + what + " failed: " + CudaDriver.error(rc));
        }
    }

    private <P extends Pointer> P keep(P p) {
        keepAlive.add(p);
        return p;
    }

    @Override
    public void run() throws EdgertException {
        CudaDriver.makeCurrent();
        try {
            for (int i = 0; i < phases.size(); i++) {
                if (phases.get(i).isGpu()) {
                    CUgraphExec_st exec = graphs.get(i);
                    if (exec != null) {
                        check(cudart.cuGraphLaunch(exec, stream), "cuGraphLaunch");
                    } else {
                        directPhases.get(i).forEach(Runnable::run);
                    }
                    check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
                } else {
                    ((HostOps) hostOps.get(i)).run(hostArena);
                }
            }
        } catch (IllegalStateException e) {
            throw new EdgertException(e.getMessage());
        }
    }

    private ByteBuffer view(int tensor) {
        return hostView.slice((int) memory.offset(tensor), (int) memory.size(tensor)).order(ByteOrder.nativeOrder());
    }

    private TensorSpec spec(int tensor) {
        TensorInfo info = graph.tensor(tensor);
        return new TensorSpec(info.name(), shapes[tensor], info.dataType(), info.quantization());
    }

    @Override
    public int inputCount() {
        return graph.inputs().length;
    }

    @Override
    public int outputCount() {
        return graph.outputs().length;
    }

    @Override
    public TensorSpec input(int i) {
        return spec(graph.inputs()[i]);
    }

    @Override
    public TensorSpec output(int i) {
        return spec(graph.outputs()[i]);
    }

    @Override
    public ByteBuffer inputBuffer(int i) {
        return view(graph.inputs()[i]);
    }

    @Override
    public ByteBuffer outputBuffer(int i) {
        int t = graph.outputs()[i];
        return graph.tensor(t).isConstant() ? graph.tensor(t).data() : view(t);
    }

    /** Only the batch (dimension 0) can change, as in the native backend; re-plans and re-records the graphs. */
    @Override
    public void resizeInput(int i, int[] shape) throws EdgertException {
        int t = graph.inputs()[i];
        int[] current = shapes[t];
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] != current[d]) {
                throw new EdgertException("backend 'cuda' can resize only the batch dimension; input " + i
                        + " has shape " + Arrays.toString(current) + ", asked for " + Arrays.toString(shape));
            }
        }
        int[][] next = BatchShapes.of(graph, i, shape[0]);
        int[][] saved = shapes.clone();
        System.arraycopy(next, 0, shapes, 0, shapes.length);
        try {
            plan();
        } catch (EdgertException | RuntimeException e) {
            System.arraycopy(saved, 0, shapes, 0, shapes.length);
            throw e;
        }
    }

    @Override
    public String backendName() {
        return CudaBackend.NAME;
    }

    @Override
    public long arenaBytes() {
        return memory == null ? -1 : memory.arenaBytes();
    }

    private void release() {
        for (AutoCloseable h : hostOps) {
            if (h != null) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // native plans do not throw on close
                }
            }
        }
        hostOps.clear();
        if (stream == null) {
            return;
        }
        cudart.cuStreamSynchronize(stream);
        for (CUgraphExec_st g : graphs) {
            if (g != null) {
                cudart.cuGraphExecDestroy(g);
            }
        }
        graphs.clear();
        for (long p : new long[] {dArena, dConsts, dParams}) {
            if (p != 0) {
                cudart.cuMemFree(p);
            }
        }
        dArena = dConsts = dParams = 0;
        if (hostArena != null) {
            cudart.cuMemFreeHost(hostArena);
            hostArena = null;
            hostView = null;
        }
        cudart.cuStreamDestroy(stream);
        stream = null;
        keepAlive.forEach(Pointer::close);
        keepAlive.clear();
    }

    @Override
    public void close() {
        release();
    }
}
