package io.edgert.cuda;

import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.jni.NativePlan;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.UnsupportedOpException;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.runtime.plan.NativeOpParams;
import io.edgert.runtime.plan.NativeTensorDecl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops placed on the CPU: a native plan over the host copy of the arena, holding a run of consecutive CPU ops
 * (tensors at their MemoryPlan offsets, as on the device). Also the validator of a whole graph: CUDA sessions
 * prepare every op natively first, so bad shapes or parameters fail with the native plan's message before anything
 * reaches the GPU. Kernel variants are the registry's best for this CPU; requant modes follow NativeSession.
 */
final class HostOps implements AutoCloseable {
    private final NativePlan.Handle handle;
    private final List<Pointer> keepAlive;
    private final int[] ops;

    private HostOps(NativePlan.Handle handle, List<Pointer> keepAlive, int[] ops) {
        this.handle = handle;
        this.keepAlive = keepAlive;
        this.ops = ops;
    }

    /** A native plan of {@code ops} (graph op indices, execution order) over an arena laid out by {@code memory}. */
    static HostOps create(Graph graph, int[][] shapes, MemoryPlan memory, String rounding, int[] ops)
            throws EdgertException {
        int planMode = switch (rounding) {
            case "single" -> NativePlan.REQUANT_SINGLE;
            case "fp32" -> NativePlan.REQUANT_FP32;
            default -> NativePlan.REQUANT_GEMMLOWP;
        };
        NativePlan.Handle h = NativePlan.edgert_plan_create(planMode);
        if (h == null || h.isNull()) {
            throw new EdgertException("backend 'cuda': could not create a native plan for the CPU ops");
        }
        List<Pointer> alive = new ArrayList<>();
        try {
            int[] ids = new int[graph.tensors().size()];
            Arrays.fill(ids, -1);
            for (int o : ops) {
                OpInfo op = graph.operators().get(o);
                for (int t : op.inputs()) {
                    declare(h, graph, shapes, memory, ids, t, alive);
                }
                for (int t : op.outputs()) {
                    declare(h, graph, shapes, memory, ids, t, alive);
                }
            }
            CudaProgramBuilder modes = new CudaProgramBuilder(graph, shapes, memory, rounding);
            for (int o : ops) {
                OpInfo op = graph.operators().get(o);
                int[] in = Arrays.stream(op.inputs()).map(t -> t < 0 ? -1 : ids[t]).toArray();
                int[] out = Arrays.stream(op.outputs()).map(t -> ids[t]).toArray();
                NativeOpParams.Encoded p = NativeOpParams.encode(op);
                IntPointer inP = keep(alive, new IntPointer(Math.max(in.length, 1)).put(in, 0, in.length));
                IntPointer outP = keep(alive, new IntPointer(Math.max(out.length, 1)).put(out, 0, out.length));
                IntPointer ints = keep(alive, new IntPointer(Math.max(p.ints().length, 1)).put(p.ints(), 0,
                        p.ints().length));
                FloatPointer floats = keep(alive, new FloatPointer(Math.max(p.floats().length, 1)).put(p.floats(), 0,
                        p.floats().length));
                int id = NativePlan.edgert_plan_add_op(h, op.builtinCode(), (String) null, in.length, inP, out.length,
                        outP, p.ints().length, ints, p.floats().length, floats);
                if (id < 0) {
                    throw new UnsupportedOpException(op.type(), "op #" + o + " " + op.type() + ": "
                            + NativePlan.edgert_plan_error(h).getString());
                }
                int mode = modes.opModeOf(op);
                if (mode != planMode && NativePlan.edgert_plan_set_op_requant(h, id, mode) != 0) {
                    throw new EdgertException("op #" + o + " " + op.type() + ": "
                            + NativePlan.edgert_plan_error(h).getString());
                }
            }
            if (NativePlan.edgert_plan_prepare(h) != 0) {
                throw new UnsupportedOpException("native", NativePlan.edgert_plan_error(h).getString());
            }
            return new HostOps(h, alive, ops.clone());
        } catch (EdgertException | RuntimeException e) {
            NativePlan.edgert_plan_destroy(h);
            alive.forEach(Pointer::close);
            throw e;
        }
    }

    private static void declare(NativePlan.Handle h, Graph graph, int[][] shapes, MemoryPlan memory, int[] ids, int t,
                                List<Pointer> alive) throws EdgertException {
        if (t < 0 || ids[t] >= 0) {
            return;
        }
        TensorInfo info = graph.tensor(t);
        int[] shape = shapes[t];
        int id = NativeTensorDecl.add(h, info, shape, memory.offset(t), alive);
        if (id < 0) {
            throw new UnsupportedOpException("tensor", "tensor #" + t + " '" + info.name() + "': "
                    + NativePlan.edgert_plan_error(h).getString());
        }
        ids[t] = id;
    }

    private static <P extends Pointer> P keep(List<Pointer> alive, P p) {
        alive.add(p);
        return p;
    }

    /** The graph ops this plan runs. */
    int[] ops() {
        return ops.clone();
    }

    /** Runs the ops over the host arena. */
    void run(Pointer hostArena) throws EdgertException {
        if (NativePlan.edgert_plan_run(handle, hostArena, null) != 0) {
            throw new EdgertException("backend 'cuda': CPU ops " + Arrays.toString(ops) + " failed: "
                    + NativePlan.edgert_plan_error(handle).getString());
        }
    }

    @Override
    public void close() {
        NativePlan.edgert_plan_destroy(handle);
        keepAlive.forEach(Pointer::close);
        keepAlive.clear();
    }
}
