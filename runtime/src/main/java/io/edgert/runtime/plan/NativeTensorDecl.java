package io.edgert.runtime.plan;

import io.edgert.jni.NativePlan;
import io.edgert.runtime.model.TensorInfo;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.List;

/**
 * Declares one model tensor to a native plan ({@code edgert_plan_add_tensor}): shape, arena offset or constant data,
 * quantization. Shared by the native backend and the CPU part of the cuda backend.
 */
public final class NativeTensorDecl {
    private NativeTensorDecl() {
    }

    /**
     * Returns the plan's id of the tensor, or a negative value with the reason in {@code edgert_plan_error(h)}.
     * Constant tensors point into the mapped model; others live at {@code arenaOffset}. The native buffers created
     * here are appended to {@code alive}: the plan keeps pointers into them, so the caller frees them with the plan.
     */
    public static int add(NativePlan.Handle h, TensorInfo info, int[] shape, long arenaOffset, List<Pointer> alive) {
        IntPointer dims = keep(alive, new IntPointer(Math.max(shape.length, 1)));
        dims.put(shape, 0, shape.length);
        Pointer constData = null;
        long offset = arenaOffset;
        if (info.isConstant()) {
            constData = keep(alive, new BytePointer(info.data()));
            offset = -1;
        }
        var q = info.quantization();
        int n = q.channelCount();
        FloatPointer scales = keep(alive, new FloatPointer(Math.max(n, 1)));
        LongPointer zps = keep(alive, new LongPointer(Math.max(n, 1)));
        for (int i = 0; i < n; i++) {
            scales.put(i, q.scale(i));
            zps.put(i, q.zeroPoint(i));
        }
        return NativePlan.edgert_plan_add_tensor(h, info.dataType().tfliteCode(), shape.length, dims, offset,
                constData, n, scales, zps, q.quantizedDimension());
    }

    private static <P extends Pointer> P keep(List<Pointer> alive, P p) {
        alive.add(p);
        return p;
    }
}
