package io.edgert.cuda;

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
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model on the GPU: parameters and constants (weights) uploaded once, one device arena laid out by the runtime's
 * MemoryPlan, and a page-locked host copy of the arena that holds the model's inputs and outputs (the session's
 * buffers are views of it) and the tensors of CPU-placed ops. A run replays one CUDA graph per GPU phase (its
 * transfers and launches, captured once; {@code -Dedgert.cuda.graphs=false} enqueues them one by one instead) and
 * runs the CPU phases on native plans in between, after waiting for the stream.
 */
final class CudaSession implements BackendSession {
    static final int BLOCK = 128;

    private final Model model;
    private final Graph graph;
    private final Session.Options options;
    private final GpuDevice device;
    private final Placement.Mode mode;
    private final GpuApi.Factory factory;
    private final int[][] shapes;
    private final boolean useGraphs = !"false".equals(System.getProperty("edgert.cuda.graphs"));

    private MemoryPlan memory;
    private CudaProgram program;
    private List<Placement.OpPlacement> placement;
    private List<Phases.Phase> phases = List.of();
    private final List<HostOps> hostOps = new ArrayList<>();
    private final List<Object> graphs = new ArrayList<>();
    private final List<Pointer> views = new ArrayList<>();
    private GpuApi api;
    private long dArena;
    private long dParams;
    private long dConsts;
    private BytePointer hostArena;
    private ByteBuffer hostView;

    private CudaSession(Model model, Session.Options options, GpuDevice device, Placement.Mode mode,
                        GpuApi.Factory factory) {
        this.model = model;
        this.graph = model.graph();
        this.options = options;
        this.device = device;
        this.mode = mode;
        this.factory = factory;
        this.shapes = BatchShapes.of(graph, 0, graph.inputs().length > 0
                && graph.input(0).shape().length > 0 ? graph.input(0).dim(0) : 1);
    }

    /** Plans the model; null when {@code mode} is AUTO and the placement puts nothing on the GPU. */
    static CudaSession open(Model model, Session.Options options, GpuDevice device, Placement.Mode mode,
                            GpuApi.Factory factory) throws EdgertException {
        CudaSession s = new CudaSession(model, options, device, mode, factory);
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

    /** The compiled program (tests, reports). */
    CudaProgram program() {
        return program;
    }

    private boolean plan() throws EdgertException {
        MemoryPlan mem = MemoryPlan.of(graph, shapes);
        List<Placement.OpPlacement> pl = Placement.decide(graph, shapes, options.profileMatch().profile(), device, mode);
        if (mode == Placement.Mode.AUTO && pl.stream().noneMatch(Placement.OpPlacement::gpu)) {
            return false;
        }
        // Validation: the native plan prepares every op (shapes, parameters) before anything reaches the GPU.
        int[] all = new int[graph.operators().size()];
        Arrays.setAll(all, i -> i);
        HostOps.create(graph, shapes, mem, options.rounding(), all).close();
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
        api = factory.open();
        allocate();
        for (Phases.Phase p : phases) {
            hostOps.add(p.isGpu() ? null : HostOps.create(graph, shapes, mem, options.rounding(), p.hostOps()));
            graphs.add(p.isGpu() && useGraphs ? api.capture(() -> enqueue(p)) : null);
        }
        return true;
    }

    private void allocate() throws EdgertException {
        dArena = api.malloc(program.arenaBytes());
        dConsts = api.malloc(program.consts().length);
        dParams = api.malloc(4L * Math.max(program.params().length, 1));
        try (BytePointer c = new BytePointer(program.consts());
             IntPointer p = new IntPointer(program.params())) {
            api.copyToDevice(dConsts, c, program.consts().length);
            api.copyToDevice(dParams, new BytePointer(p), 4L * program.params().length);
        }
        hostArena = api.mallocHost(program.arenaBytes());
        hostView = hostArena.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** Puts one GPU phase on the stream: its transfers and launches in order. */
    private void enqueue(Phases.Phase phase) {
        for (CudaProgram.Step s : phase.gpu()) {
            if (s instanceof CudaProgram.Upload u) {
                api.upload(dArena + u.offset(), hostAt(u.offset()), u.bytes());
            } else if (s instanceof CudaProgram.Download d) {
                api.download(hostAt(d.offset()), dArena + d.offset(), d.bytes());
            } else {
                CudaProgram.Launch l = program.launches().get(((CudaProgram.Gpu) s).launch());
                long blocks = Math.max(1, Math.min(((long) l.count() + BLOCK - 1) / BLOCK,
                        (long) Math.max(device.multiprocessors(), 1) * 32));
                api.launch(l.kernel(), (int) blocks, BLOCK,
                        new long[] {dParams + 4L * l.paramOffset(), dArena, dConsts});
            }
        }
    }

    private BytePointer hostAt(long offset) {
        BytePointer p = hostArena.getPointer(offset);
        views.add(p);
        return p;
    }

    @Override
    public void run() throws EdgertException {
        api.bind();
        try {
            for (int i = 0; i < phases.size(); i++) {
                Phases.Phase p = phases.get(i);
                if (p.isGpu()) {
                    Object g = graphs.get(i);
                    if (g != null) {
                        api.replay(g);
                    } else {
                        enqueue(p);
                        views.clear();
                    }
                    api.sync();
                } else {
                    hostOps.get(i).run(hostArena);
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
        hostOps.forEach(h -> {
            if (h != null) {
                h.close();
            }
        });
        hostOps.clear();
        if (api == null) {
            return;
        }
        try {
            api.bind();  // close() may come from another thread than the runs
            api.sync();
        } catch (EdgertException ignored) {
            // releasing anyway
        }
        graphs.forEach(g -> {
            if (g != null) {
                api.destroyGraph(g);
            }
        });
        graphs.clear();
        for (long p : new long[] {dArena, dConsts, dParams}) {
            if (p != 0) {
                api.free(p);
            }
        }
        dArena = dConsts = dParams = 0;
        if (hostArena != null) {
            api.freeHost(hostArena);
            hostArena = null;
            hostView = null;
        }
        views.clear();
        api.close();
        api = null;
    }

    @Override
    public void close() {
        release();
    }
}
