package io.edgert.runtime.backend;

import io.edgert.device.profile.DeviceProfile;
import io.edgert.jni.NativePlan;
import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.UnsupportedOpException;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import io.edgert.runtime.plan.KernelChoice;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.runtime.plan.NativeOpParams;
import io.edgert.runtime.plan.NativeTensorDecl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model planned for edgert's native kernels: one native plan (packed weights, bound kernels) and one 64-byte
 * aligned arena holding every activation; inputs and outputs are views into the arena (zero copy). A run is a
 * single native call with no allocation.
 */
final class NativeSession implements BackendSession {
    private final Model model;
    private final Graph graph;
    private final Session.Options options;
    private final int[][] shapes;
    private NativePlan.Handle handle;
    private MemoryPlan memory;
    private ByteBuffer arena;
    private BytePointer arenaPointer;
    private LongPointer opTimes;
    private final List<Pointer> keepAlive = new ArrayList<>();
    private String[] kernels;
    private List<KernelChoice> choices = List.of();

    private NativeSession(Model model, Session.Options options) {
        this.model = model;
        this.graph = model.graph();
        this.options = options;
        this.shapes = new int[graph.tensors().size()][];
        for (TensorInfo t : graph.tensors()) {
            shapes[t.index()] = t.shape();
        }
    }

    static NativeSession create(Model model, Session.Options options) throws EdgertException {
        // Sessions resolve their profile in Session.create; summarize() and tests come here directly.
        NativeSession s = new NativeSession(model, options.profileMatch() != null ? options
                : options.withResolvedProfile());
        s.plan();
        return s;
    }

    /** The plan-wide requantization rounding for the session's {@code rounding} option. */
    static int requantMode(Session.Options options) {
        return switch (options.rounding()) {
            case "single" -> NativePlan.REQUANT_SINGLE;
            case "fp32" -> NativePlan.REQUANT_FP32;
            // tflite-ref: TFLite 2.20's builtin kernels on x86 round twice (gemmlowp), int8 and uint8 alike, except
            // int8 CONV_2D / FULLY_CONNECTED (see opRequantMode).
            default -> NativePlan.REQUANT_GEMMLOWP;
        };
    }

    /**
     * The per-op override of the plan's rounding, or -1. With {@code tflite-ref} rounding, int8 CONV_2D and
     * FULLY_CONNECTED (per-channel and per-tensor weights) use {@link NativePlan#REQUANT_GEMMLOWP_UP}: TFLite 2.20 runs them
     * through optimized_integer_ops (im2col + cpu_backend_gemm) and on x86-64 their second rounding sends negative
     * ties up (-9.5 -> -9) where gemmlowp's RoundingDivideByPOT, used by every other op, sends them away from zero.
     * Measured with the op parity suite (accumulators recomputed, all unclamped outputs of 200 cases per family:
     * 0 differences with GEMMLOWP_UP, 3 with GEMMLOWP, 6 with single rounding); see native ref/conv.cc. uint8
     * CONV_2D / FULLY_CONNECTED (gemmlowp library) and DEPTHWISE_CONV_2D keep GEMMLOWP.
     */
    static int opRequantMode(Session.Options options, OpInfo op, Graph graph) {
        if (!"tflite-ref".equals(options.rounding())) {
            return -1;
        }
        String type = op.type();
        if (!type.equals("CONV_2D") && !type.equals("FULLY_CONNECTED")) {
            return -1;
        }
        int input = op.inputCount() > 0 ? op.input(0) : -1;
        if (input < 0 || graph.tensors().get(input).dataType() != DataType.INT8) {
            return -1;
        }
        return NativePlan.REQUANT_GEMMLOWP_UP;
    }

    private void plan() throws EdgertException {
        MemoryPlan mem = MemoryPlan.of(graph, shapes);
        DeviceProfile profile = options.profileMatch().profile();
        Long budget = profile.choices().arenaBudgetBytes();
        if (budget != null && budget > 0 && mem.arenaBytes() > budget) {
            // A device profile's memory ceiling (e.g. android-arm64): refuse up front rather than let a phone's
            // low-memory killer decide.
            throw new EdgertException("backend 'native': " + model.source() + " needs a " + mem.arenaBytes()
                    + "-byte activation arena, over the " + budget + "-byte budget of device profile '"
                    + profile.id() + "' (choices.arena_budget_bytes)");
        }
        int threads = options.threads();
        if (threads < 1 || threads > NativePlan.MAX_THREADS) {
            throw new EdgertException("backend 'native' runs 1 to " + NativePlan.MAX_THREADS + " threads, got "
                    + threads);
        }
        NativePlan.Handle h = NativePlan.edgert_plan_create(requantMode(options));
        if (h == null || h.isNull()) {
            throw new EdgertException("native backend: could not create a plan");
        }
        List<Pointer> alive = new ArrayList<>();
        try {
            int[] ids = declareTensors(h, mem, alive);
            declareOps(h, ids);
            if (threads > 1 && NativePlan.edgert_plan_set_threads(h, threads) != 0) {
                throw new EdgertException("backend 'native': " + NativePlan.edgert_plan_error(h).getString());
            }
            if (NativePlan.edgert_plan_prepare(h) != 0) {
                throw new UnsupportedOpException("native", "backend 'native' cannot run " + model.source() + ": "
                        + NativePlan.edgert_plan_error(h).getString());
            }
        } catch (EdgertException | RuntimeException e) {
            NativePlan.edgert_plan_destroy(h);
            alive.forEach(Pointer::close);
            throw e;
        }
        releaseNative();
        handle = h;
        memory = mem;
        keepAlive.addAll(alive);
        arena = aligned64(ByteBuffer.allocateDirect((int) mem.arenaBytes() + 64)).order(ByteOrder.nativeOrder());
        arenaPointer = new BytePointer(arena);
        int opCount = NativePlan.edgert_plan_op_count(h);
        opTimes = new LongPointer(Math.max(opCount, 1));
        kernels = new String[opCount];
        for (int o = 0; o < opCount; o++) {
            BytePointer k = NativePlan.edgert_plan_op_kernel(h, o);
            kernels[o] = k == null || k.isNull() ? "?" : k.getString();
        }
        choices = withFallbacks(choices, kernels);
    }

    private int[] declareTensors(NativePlan.Handle h, MemoryPlan mem, List<Pointer> alive) throws EdgertException {
        int[] ids = new int[graph.tensors().size()];
        Arrays.fill(ids, -1);
        boolean[] used = new boolean[ids.length];
        for (OpInfo op : graph.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    used[t] = true;
                }
            }
            for (int t : op.outputs()) {
                used[t] = true;
            }
        }
        for (int t : graph.inputs()) {
            used[t] = true;
        }
        for (int t : graph.outputs()) {
            used[t] = true;
        }
        for (TensorInfo info : graph.tensors()) {
            int t = info.index();
            if (!used[t]) {
                continue;
            }
            int[] shape = shapes[t];
            int id = NativeTensorDecl.add(h, info, shape, mem.offset(t), alive);
            if (id < 0) {
                throw new UnsupportedOpException("tensor", "backend 'native': tensor #" + t + " '" + info.name()
                        + "': " + NativePlan.edgert_plan_error(h).getString());
            }
            ids[t] = id;
        }
        return ids;
    }

    /** The requant mode the op's kernel must implement: the per-op override, else the plan's. */
    private static int effectiveRequantMode(Session.Options options, OpInfo op, Graph graph) {
        int override = opRequantMode(options, op, graph);
        return override >= 0 ? override : requantMode(options);
    }

    private static int dtypeCode(Graph graph, int tensor) {
        return tensor < 0 ? -1 : graph.tensors().get(tensor).dataType().tfliteCode();
    }

    /** The profile's choice for op, asking the native registry which listed variants are eligible. */
    private static KernelChoice choose(DeviceProfile profile, Session.Options options, OpInfo op, Graph graph) {
        int in = op.inputCount() > 0 ? op.input(0) : -1;
        return KernelSelector.choose(profile, op.index(), op.type(), op.builtinCode(), dtypeCode(graph, in),
                dtypeCode(graph, op.output(0)), effectiveRequantMode(options, op, graph));
    }

    /** Per op, every compiled variant eligible for it on this device (registry order): what tuning times. */
    static List<List<String>> eligibleKernels(Graph graph, Session.Options options) {
        List<List<String>> r = new ArrayList<>();
        for (OpInfo op : graph.operators()) {
            int in = op.inputCount() > 0 ? op.input(0) : -1;
            r.add(KernelSelector.eligible(op.builtinCode(), dtypeCode(graph, in), dtypeCode(graph, op.output(0)),
                    effectiveRequantMode(options, op, graph)));
        }
        return r;
    }

    private void declareOps(NativePlan.Handle h, int[] ids) throws EdgertException {
        DeviceProfile profile = options.profileMatch().profile();
        List<KernelChoice> chosen = new ArrayList<>();
        for (OpInfo op : graph.operators()) {
            KernelChoice choice = choose(profile, options, op, graph);
            chosen.add(choice);
            int[] in = Arrays.stream(op.inputs()).map(t -> t < 0 ? -1 : ids[t]).toArray();
            int[] out = Arrays.stream(op.outputs()).map(t -> ids[t]).toArray();
            NativeOpParams.Encoded p = NativeOpParams.encode(op);
            try (IntPointer inP = new IntPointer(Math.max(in.length, 1)).put(in, 0, in.length);
                 IntPointer outP = new IntPointer(Math.max(out.length, 1)).put(out, 0, out.length);
                 IntPointer ints = new IntPointer(Math.max(p.ints().length, 1)).put(p.ints(), 0, p.ints().length);
                 FloatPointer floats = new FloatPointer(Math.max(p.floats().length, 1))
                         .put(p.floats(), 0, p.floats().length)) {
                int id = NativePlan.edgert_plan_add_op(h, op.builtinCode(), choice.requested(), in.length, inP,
                        out.length, outP, p.ints().length, ints, p.floats().length, floats);
                if (id < 0) {
                    throw new UnsupportedOpException(op.type(), "backend 'native': op #" + op.index() + " "
                            + op.type() + ": " + NativePlan.edgert_plan_error(h).getString());
                }
                int requant = opRequantMode(options, op, graph);
                if (requant >= 0 && NativePlan.edgert_plan_set_op_requant(h, id, requant) != 0) {
                    throw new EdgertException("backend 'native': op #" + op.index() + " " + op.type() + ": "
                            + NativePlan.edgert_plan_error(h).getString());
                }
            }
        }
        choices = List.copyOf(chosen);
    }

    /**
     * A requested variant that does not apply to an op's shape or parameters (a GEMM variant on a grouped conv, a
     * depthwise variant on a depth multiplier it lacks) is replaced by the registry's choice at prepare: say so.
     */
    private static List<KernelChoice> withFallbacks(List<KernelChoice> choices, String[] bound) {
        List<KernelChoice> r = new ArrayList<>(choices.size());
        for (KernelChoice c : choices) {
            String actual = c.op() < bound.length ? bound[c.op()] : null;
            if (c.requested() != null && actual != null && !actual.equals(c.requested())) {
                r.add(new KernelChoice(c.op(), c.opType(), c.requested(), c.reason() + ", which does not apply to this "
                        + "op's shape or parameters: the registry's " + actual + " runs", c.skipped()));
            } else {
                r.add(c);
            }
        }
        return List.copyOf(r);
    }

    /** How each op's kernel was chosen (execution order). */
    List<KernelChoice> choices() {
        return choices;
    }

    /** The device profile this plan follows. */
    DeviceProfile profile() {
        return options.profileMatch().profile();
    }

    /** Kernel id bound to each op, in execution order. */
    String[] kernels() {
        return kernels.clone();
    }

    MemoryPlan memory() {
        return memory;
    }

    long packedBytes() {
        return NativePlan.edgert_plan_packed_bytes(handle);
    }

    /**
     * The part of a fresh direct buffer that starts on a 64-byte address, like ByteBuffer.alignedSlice(64) (Java 9,
     * not on Android). At least capacity - 63 bytes remain.
     */
    private static ByteBuffer aligned64(ByteBuffer b) {
        long address = new Pointer(b).address();
        int skip = (int) ((64 - (address & 63)) & 63);
        ((Buffer) b).position(skip);
        return b.slice();
    }

    private TensorSpec spec(int tensor) {
        TensorInfo info = graph.tensor(tensor);
        return new TensorSpec(info.name(), shapes[tensor], info.dataType(), info.quantization());
    }

    private ByteBuffer view(int tensor) {
        long off = memory.offset(tensor);
        int size = (int) memory.size(tensor);
        // duplicate + bounds + slice, as ByteBuffer.slice(index, length) (Java 13, not on Android) does
        ByteBuffer d = arena.duplicate();
        ((Buffer) d).limit((int) off + size).position((int) off);
        return d.slice().order(ByteOrder.nativeOrder());
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
        if (graph.tensor(t).isConstant()) {
            return graph.tensor(t).data();
        }
        return view(t);
    }

    /**
     * Only the batch (dimension 0) can change: every activation whose leading dimension equals the input's old
     * batch is scaled with it, which holds for the feed-forward int8 models edgert targets.
     */
    @Override
    public void resizeInput(int i, int[] shape) throws EdgertException {
        int t = graph.inputs()[i];
        int[] current = shapes[t];
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] != current[d]) {
                throw new EdgertException("backend 'native' can resize only the batch dimension; input " + i
                        + " has shape " + Arrays.toString(current) + ", asked for " + Arrays.toString(shape));
            }
        }
        int oldBatch = graph.tensor(t).shape().length > 0 ? graph.tensor(t).dim(0) : 1;
        int newBatch = shape[0];
        int[][] saved = shapes.clone();
        for (TensorInfo info : graph.tensors()) {
            int[] s = info.shape();
            if (!info.isConstant() && s.length > 0 && s[0] == oldBatch) {
                s[0] = newBatch;
            }
            shapes[info.index()] = s;
        }
        try {
            plan();
        } catch (EdgertException | RuntimeException e) {
            System.arraycopy(saved, 0, shapes, 0, shapes.length);
            throw e;
        }
    }

    @Override
    public void run() throws EdgertException {
        if (NativePlan.edgert_plan_run(handle, arenaPointer, options.opTiming() ? opTimes : null) != 0) {
            throw new EdgertException("backend 'native' failed to run " + model.source() + ": "
                    + NativePlan.edgert_plan_error(handle).getString());
        }
    }

    @Override
    public long[] lastOpTimesNanos() {
        if (!options.opTiming()) {
            return null;
        }
        long[] r = new long[kernels.length];
        opTimes.get(r);
        return r;
    }

    @Override
    public long arenaBytes() {
        return memory.arenaBytes();
    }

    @Override
    public String backendName() {
        return NativeBackend.NAME;
    }

    private void releaseNative() {
        if (handle != null) {
            NativePlan.edgert_plan_destroy(handle);
            handle = null;
        }
        keepAlive.forEach(Pointer::close);
        keepAlive.clear();
        if (opTimes != null) {
            opTimes.close();
        }
        if (arenaPointer != null) {
            arenaPointer.close();
        }
    }

    @Override
    public void close() {
        releaseNative();
    }
}
