package io.edgert.cuda.plan;

import io.edgert.jni.NativePlan;
import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.runtime.plan.NativeOpParams;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles the GPU-placed ops of a graph into a {@link CudaProgram}: per op the parameter block of its kernel (field
 * order of the structs in native/src/main/cuda/edgert_cuda_ops.h), the constants it reads, and the schedule of
 * launches, CPU ops and transfers. The numbers are those native prepare computes (plan/prepare.cc), via
 * {@link QuantMath}. Expects a graph the native plan has already validated (CudaBackend prepares it first).
 */
public final class CudaProgramBuilder {
    private final Graph graph;
    private final int[][] shapes;
    private final MemoryPlan memory;
    private final int planMode;
    private final boolean tfliteRef;
    private final ConstBlob consts = new ConstBlob();
    private final IntList params = new IntList();

    /**
     * @param rounding the session's rounding option: {@code tflite-ref} (gemmlowp, with int8 CONV_2D /
     *                 FULLY_CONNECTED rounding ties upward as NativeSession does), {@code single} or {@code fp32}
     */
    public CudaProgramBuilder(Graph graph, int[][] shapes, MemoryPlan memory, String rounding) {
        this.graph = graph;
        this.shapes = shapes;
        this.memory = memory;
        this.planMode = switch (rounding) {
            case "single" -> NativePlan.REQUANT_SINGLE;
            case "fp32" -> NativePlan.REQUANT_FP32;
            default -> NativePlan.REQUANT_GEMMLOWP;
        };
        this.tfliteRef = "tflite-ref".equals(rounding);
        if (memory.arenaBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arena of " + memory.arenaBytes() + " bytes: the CUDA kernels address "
                    + "at most 2 GiB");
        }
    }

    public CudaProgram build(List<Placement.OpPlacement> placement) {
        List<CudaProgram.Launch> launches = new ArrayList<>();
        List<CudaProgram.Step> steps = new ArrayList<>();
        int n = graph.tensors().size();
        boolean[] onHost = new boolean[n];
        boolean[] onDevice = new boolean[n];
        for (int t : graph.inputs()) {
            onHost[t] = true;
        }
        for (OpInfo op : graph.operators()) {
            Placement.OpPlacement where = placement.get(op.index());
            for (int t : op.inputs()) {
                if (t < 0 || graph.tensor(t).isConstant()) {
                    continue;
                }
                if (where.gpu() && !onDevice[t]) {
                    steps.add(new CudaProgram.Upload(t, memory.offset(t), memory.size(t)));
                    onDevice[t] = true;
                } else if (!where.gpu() && !onHost[t]) {
                    steps.add(new CudaProgram.Download(t, memory.offset(t), memory.size(t)));
                    onHost[t] = true;
                }
            }
            if (where.gpu()) {
                launches.add(encode(op, where.kernel()));
                steps.add(new CudaProgram.Gpu(launches.size() - 1));
            } else {
                steps.add(new CudaProgram.Host(op.index()));
            }
            for (int t : op.outputs()) {
                onDevice[t] = where.gpu();
                onHost[t] = !where.gpu();
            }
        }
        for (int t : graph.outputs()) {
            if (!graph.tensor(t).isConstant() && !onHost[t]) {
                steps.add(new CudaProgram.Download(t, memory.offset(t), memory.size(t)));
                onHost[t] = true;
            }
        }
        return new CudaProgram(params.toArray(), consts.toArray(), launches, steps, memory.arenaBytes());
    }

    /** The requant mode op's kernel implements: the plan's, or GEMMLOWP_UP for int8 CONV_2D / FC under tflite-ref. */
    public int opModeOf(OpInfo op) {
        return opMode(op);
    }

    int opMode(OpInfo op) {
        boolean convOrFc = op.type().equals("CONV_2D") || op.type().equals("FULLY_CONNECTED");
        if (tfliteRef && convOrFc && graph.tensor(op.input(0)).dataType() == DataType.INT8) {
            return NativePlan.REQUANT_GEMMLOWP_UP;
        }
        return planMode;
    }

    private CudaProgram.Launch encode(OpInfo op, CudaKernel kernel) {
        int offset = params.size();
        int count = switch (kernel) {
            case CONV2D_SCALAR, CONV2D_SCALAR_C4, CONV2D_DP4A, DWCONV, DWCONV_C4, CONV2D_MMA, CONV2D_DP4A_U8 ->
                    conv(op, kernel);
            case FC_SCALAR, FC_DP4A, FC_DP4A_U8 -> fc(op, kernel);
            case ADD -> add(op);
            case POOL -> pool(op);
            case MEAN -> mean(op);
            case SOFTMAX -> softmax(op);
            case COPY -> copy(op);
        };
        return new CudaProgram.Launch(op.index(), kernel, offset, count);
    }

    private int arena(int tensor) {
        long off = memory.offset(tensor);
        if (off < 0) {
            throw new IllegalArgumentException("tensor #" + tensor + " is not in the arena");
        }
        return (int) off;
    }

    private TensorInfo t(int index) {
        return graph.tensor(index);
    }

    private static int zp(TensorInfo t) {
        return (int) t.quantization().zeroPoint(0);
    }

    private static int isU8(TensorInfo t) {
        return t.dataType() == DataType.UINT8 ? 1 : 0;
    }

    /** Multipliers, shifts and FP32 scales per filter scale (ChannelMultipliers): offsets {mult, shift, fscale}. */
    private int[] channelMultipliers(TensorInfo in, TensorInfo filter, TensorInfo out, int mode) {
        Quantization fq = filter.quantization();
        int n = Math.max(fq.channelCount(), 1);
        int[] mult = new int[n];
        int[] shift = new int[n];
        float[] fscale = new float[n];
        float inS = in.quantization().scale();
        float outS = out.quantization().scale();
        for (int i = 0; i < n; i++) {
            float fs = fq.scale(i);
            double real = (double) inS * (double) fs / (double) outS;
            int[] q = QuantMath.quantizeMultiplier(real, mode == NativePlan.REQUANT_SINGLE);
            mult[i] = q[0];
            shift[i] = q[1];
            fscale[i] = inS * fs / outS;
        }
        return new int[] {consts.ints(mult), consts.ints(shift), consts.floats(fscale), n > 1 ? 1 : 0};
    }

    private static int[] int32s(TensorInfo t) {
        ByteBuffer b = t.data();
        int[] v = new int[b.remaining() / 4];
        b.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    /** bias - in_zp * sum(w) per output channel: the dp4a kernels' accumulator start (see ConvDp4a). */
    private int biasMinusZeroPointTimesWeights(OpInfo op, int channels, int rowLength, int inZp) {
        ByteBuffer w = t(op.input(1)).data().slice();
        int[] bias = op.inputCount() > 2 && op.input(2) >= 0 ? int32s(t(op.input(2))) : new int[channels];
        int[] r = new int[channels];
        for (int c = 0; c < channels; c++) {
            int sum = 0;
            for (int k = 0; k < rowLength; k++) {
                sum += w.get(c * rowLength + k);
            }
            r[c] = bias[c] - inZp * sum;
        }
        return consts.ints(r);
    }

    private int conv(OpInfo op, CudaKernel kernel) {
        TensorInfo in = t(op.input(0));
        TensorInfo filter = t(op.input(1));
        TensorInfo out = t(op.output(0));
        int[] is = shapes[in.index()];
        int[] os = shapes[out.index()];
        int[] fs = filter.shape();
        int[] a = NativeOpParams.encode(op).ints();
        boolean dw = kernel == CudaKernel.DWCONV || kernel == CudaKernel.DWCONV_C4;
        // a[0] is the padding: SAME and VALID share one leading-pad formula (prepare.cc Geometry), see padBefore
        int strideW = a[1], strideH = a[2], dilW = a[3], dilH = a[4], act = a[5];
        int kh = fs[1], kw = fs[2];
        int mode = opMode(op);
        int[] m = channelMultipliers(in, filter, out, mode);
        int wOff = kernel == CudaKernel.CONV2D_MMA ? consts.bytes(mmaWeights(filter, os[3]))
                : kernel == CudaKernel.CONV2D_DP4A_U8 ? consts.bytes(flipped(filter))
                : consts.bytes(filter.data());
        int biasOff;
        if (kernel == CudaKernel.CONV2D_DP4A_U8) {
            biasOff = unsignedDp4aBias(op, os[3], kh * kw * fs[3], zp(in), (int) filter.quantization().zeroPoint(0));
        } else if (kernel == CudaKernel.CONV2D_DP4A || kernel == CudaKernel.CONV2D_MMA) {
            biasOff = biasMinusZeroPointTimesWeights(op, os[3], kh * kw * fs[3], zp(in));
        } else {
            biasOff = op.inputCount() > 2 && op.input(2) >= 0 ? consts.bytes(t(op.input(2)).data()) : -1;
        }
        int[] range = QuantMath.activationRange(act, isU8(out) == 1, out.quantization().scale(), zp(out));
        long outputs = TensorInfo.elementCount(os);
        // ecu_conv2d_mma: a warp per tile and k-share, so the grid covers every warp of the split-K layout
        int count = Math.toIntExact(kernel == CudaKernel.CONV2D_MMA ? mmaTiles(os) * 32 * mmaSplit(kh * kw * is[3])
                : kernel == CudaKernel.DWCONV_C4 || kernel == CudaKernel.CONV2D_SCALAR_C4 ? outputs / 4 : outputs);
        int depthMultiplier = dw ? (a.length > 6 && a[6] > 0 ? a[6] : os[3] / is[3]) : 1;
        params.add(count, arena(in.index()), arena(out.index()), wOff, biasOff, m[0], m[1], m[2], m[3], mode, isU8(in));
        params.add(is[0], is[1], is[2], is[3], os[1], os[2], os[3], kh, kw);
        params.add(strideH, strideW, dilH, dilW, padBefore(strideH, dilH, is[1], kh, os[1]),
                padBefore(strideW, dilW, is[2], kw, os[2]));
        params.add(depthMultiplier, dw ? 1 : fs[3]);
        params.add(zp(in), (int) filter.quantization().zeroPoint(0), zp(out), range[0], range[1]);
        return count;
    }

    private static int roundUp(int v, int to) {
        return (v + to - 1) / to * to;
    }

    /** Warp tiles of ecu_conv2d_mma: 16 output pixels x 32 channels (MmaTiles). */
    static long mmaTiles(int[] outShape) {
        long rows = (long) outShape[0] * outShape[1] * outShape[2];
        return (rows + 15) / 16 * (roundUp(outShape[3], 32) / 32);
    }

    /** Warps sharing one tile's depth in ecu_conv2d_mma (MmaSplit): 4 from 4 k-steps of 32 on, 2 from 2. */
    static int mmaSplit(int depth) {
        int steps = roundUp(depth, 32) / 32;
        return steps >= 4 ? 4 : steps >= 2 ? 2 : 1;
    }

    /** Weights [out_c][kh * kw * in_c] as [npad][kpad], zero padded to multiples of 32 (the mma B operand). */
    static ByteBuffer mmaWeights(TensorInfo filter, int outC) {
        ByteBuffer w = filter.data().slice();
        int k = filter.dim(1) * filter.dim(2) * filter.dim(3);
        int kpad = roundUp(k, 32);
        int npad = roundUp(outC, 32);
        byte[] packed = new byte[Math.multiplyExact(kpad, npad)];
        for (int n = 0; n < outC; n++) {
            for (int i = 0; i < k; i++) {
                packed[n * kpad + i] = w.get(n * k + i);
            }
        }
        return ByteBuffer.wrap(packed);
    }

    /** TFLite ComputePaddingWithOffset's leading padding (prepare.cc PadBefore; the same for SAME and VALID). */
    static int padBefore(int stride, int dilation, int in, int filter, int out) {
        int eff = (filter - 1) * dilation + 1;
        int total = Math.max(0, (out - 1) * stride + eff - in);
        return total / 2;
    }

    /** uint8 weights as int8 (w - 128, i.e. w ^ 0x80), the operand of the _u8 dp4a kernels. */
    static ByteBuffer flipped(TensorInfo filter) {
        ByteBuffer w = filter.data().slice();
        byte[] b = new byte[w.remaining()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (w.get(i) ^ 0x80);
        }
        return ByteBuffer.wrap(b);
    }

    /**
     * The accumulator start of ConvDp4aU8 / FcDp4aU8: bias + (128 - in_zp) * sum(w - 128) + n * (128 - filter_zp) *
     * (128 - in_zp) per channel, in int32 arithmetic (wrapping like the kernels' accumulators).
     */
    private int unsignedDp4aBias(OpInfo op, int channels, int rowLength, int inZp, int filterZp) {
        ByteBuffer w = t(op.input(1)).data().slice();
        int[] bias = op.inputCount() > 2 && op.input(2) >= 0 ? int32s(t(op.input(2))) : new int[channels];
        int cx = 128 - inZp;
        int cw = 128 - filterZp;
        int[] r = new int[channels];
        for (int c = 0; c < channels; c++) {
            int sum = 0;
            for (int k = 0; k < rowLength; k++) {
                sum += (w.get(c * rowLength + k) & 0xff) - 128;
            }
            r[c] = bias[c] + cx * sum + rowLength * cw * cx;
        }
        return consts.ints(r);
    }

    private int fc(OpInfo op, CudaKernel kernel) {
        boolean dp4a = kernel == CudaKernel.FC_DP4A;
        TensorInfo in = t(op.input(0));
        TensorInfo filter = t(op.input(1));
        TensorInfo out = t(op.output(0));
        int units = filter.dim(0);
        int depth = filter.dim(1);
        int mode = opMode(op);
        int[] m = channelMultipliers(in, filter, out, mode);
        boolean u8 = kernel == CudaKernel.FC_DP4A_U8;
        int wOff = consts.bytes(u8 ? flipped(filter) : filter.data());
        int biasOff = u8 ? unsignedDp4aBias(op, units, depth, zp(in), (int) filter.quantization().zeroPoint(0))
                : dp4a ? biasMinusZeroPointTimesWeights(op, units, depth, zp(in))
                : op.inputCount() > 2 && op.input(2) >= 0 ? consts.bytes(t(op.input(2)).data()) : -1;
        int act = NativeOpParams.encode(op).ints()[0];
        int[] range = QuantMath.activationRange(act, isU8(out) == 1, out.quantization().scale(), zp(out));
        long rows = TensorInfo.elementCount(shapes[in.index()]) / depth;
        int count = Math.toIntExact(rows * units);
        params.add(count, arena(in.index()), arena(out.index()), wOff, biasOff, m[0], m[1], m[2], m[3], mode, isU8(in));
        params.add(units, depth, zp(in), (int) filter.quantization().zeroPoint(0), zp(out), range[0], range[1]);
        return count;
    }

    private static int[] align6(int[] shape) {
        int[] d = new int[6];
        int lead = 6 - shape.length;
        for (int i = 0; i < 6; i++) {
            d[i] = i < lead ? 1 : shape[i - lead];
        }
        return d;
    }

    private int add(OpInfo op) {
        TensorInfo a = t(op.input(0));
        TensorInfo b = t(op.input(1));
        TensorInfo out = t(op.output(0));
        int[] da = align6(shapes[a.index()]);
        int[] db = align6(shapes[b.index()]);
        int[] dout = align6(shapes[out.index()]);
        int[] sa = new int[6];
        int[] sb = new int[6];
        long ra = 1;
        long rb = 1;
        for (int d = 5; d >= 0; d--) {
            sa[d] = da[d] == 1 ? 0 : (int) ra;
            sb[d] = db[d] == 1 ? 0 : (int) rb;
            ra *= da[d];
            rb *= db[d];
        }
        boolean sub = op.type().equals("SUB");
        boolean single = planMode == NativePlan.REQUANT_SINGLE;
        float as = a.quantization().scale();
        float bs = b.quantization().scale();
        float os = out.quantization().scale();
        int leftShift = 20;
        double twiceMax = 2 * Math.max(as, bs);
        int[] q1 = QuantMath.quantizeMultiplier(as / twiceMax, single);
        int[] q2 = QuantMath.quantizeMultiplier(bs / twiceMax, single);
        int[] qo = QuantMath.quantizeMultiplier(twiceMax / ((1 << leftShift) * os), single);
        int in1Mult = q1[0];
        int in2Mult = sub ? -q2[0] : q2[0];
        int xnn = 0;
        int xnnBias = 0;
        int xnnShift = 0;
        if (planMode == NativePlan.REQUANT_FP32) {
            int[] x = xnnAdd(sub, as, bs, os, zp(a), zp(b));
            if (x != null) {
                xnn = 1;
                in1Mult = x[0];
                in2Mult = x[1];
                xnnShift = x[2];
                xnnBias = x[3];
            }
        }
        int act = NativeOpParams.encode(op).ints()[0];
        int[] range = QuantMath.activationRange(act, isU8(out) == 1, os, zp(out));
        int count = Math.toIntExact(TensorInfo.elementCount(shapes[out.index()]));
        params.add(count, arena(a.index()), arena(b.index()), arena(out.index()), isU8(a), planMode, xnn);
        params.add(zp(a), zp(b), zp(out), leftShift, in1Mult, q1[1], in2Mult, q2[1], qo[0], qo[1]);
        params.add(xnnBias, xnnShift, range[0], range[1]);
        params.add(dout);
        params.add(sa);
        params.add(sb);
        return count;
    }

    /** prepare.cc XnnAddParams: {ma, mb, shift, bias}, or null when TFLite would not delegate the op. */
    static int[] xnnAdd(boolean sub, float as, float bs, float os, int azp, int bzp) {
        float aOut = as / os;
        float bOut = (sub ? -1.0f : 1.0f) * (bs / os);
        float absA = Math.abs(aOut);
        float absB = Math.abs(bOut);
        float lo = Math.scalb(1.0f, -10);
        float hi = Math.scalb(1.0f, 8);
        if (!(absA >= lo && absA < hi && absB >= lo && absB < hi)) {
            return null;
        }
        float maxAbs = Math.max(absA, absB);
        int exponent = (Float.floatToRawIntBits(maxAbs) >>> 23) - 127;
        int shift = 20 - exponent;
        if (shift < 12 || shift > 30) {
            return null;
        }
        int ma = (int) Math.rint(Math.scalb(absA, shift));
        int mb = (int) Math.rint(Math.scalb(absB, shift));
        int m1 = aOut < 0 || (aOut == 0 && 1 / aOut < 0) ? -ma : ma;
        int m2 = bOut < 0 || (bOut == 0 && 1 / bOut < 0) ? -mb : mb;
        int bias = (1 << (shift - 1)) - m1 * azp - m2 * bzp;
        return new int[] {m1, m2, shift, bias};
    }

    private int pool(OpInfo op) {
        TensorInfo in = t(op.input(0));
        TensorInfo out = t(op.output(0));
        int[] is = shapes[in.index()];
        int[] os = shapes[out.index()];
        int[] a = NativeOpParams.encode(op).ints();
        int strideW = a[1], strideH = a[2], kw = a[3], kh = a[4], act = a[5];
        int[] range = QuantMath.activationRange(act, isU8(out) == 1, out.quantization().scale(), zp(out));
        int count = Math.toIntExact(TensorInfo.elementCount(os));
        params.add(count, arena(in.index()), arena(out.index()), isU8(in), op.type().equals("MAX_POOL_2D") ? 1 : 0);
        params.add(is[0], is[1], is[2], is[3], os[1], os[2], kh, kw, strideH, strideW,
                padBefore(strideH, 1, is[1], kh, os[1]), padBefore(strideW, 1, is[2], kw, os[2]));
        params.add(range[0], range[1]);
        return count;
    }

    private int mean(OpInfo op) {
        TensorInfo in = t(op.input(0));
        TensorInfo axes = t(op.input(1));
        TensorInfo out = t(op.output(0));
        int[] is = shapes[in.index()];
        long[] ax = constInts(axes);
        boolean keepDims = NativeOpParams.encode(op).ints()[0] != 0;
        int rank = is.length;
        int[] dims = align6(is);
        int[] reduce = new int[6];
        for (long a0 : ax) {
            long a = a0 < 0 ? a0 + rank : a0;
            reduce[6 - rank + (int) a] = 1;
        }
        long n = 1;
        long kept = 1;
        for (int d = 0; d < 6; d++) {
            if (reduce[d] == 1) {
                n *= dims[d];
            } else {
                kept *= dims[d];
            }
        }
        boolean single = planMode == NativePlan.REQUANT_SINGLE;
        float inS = in.quantization().scale();
        float outS = out.quantization().scale();
        boolean hw = keepDims && rank == 4 && ax.length == 2 && ((ax[0] == 1 && ax[1] == 2) || (ax[0] == 2 && ax[1] == 1));
        int mult;
        int shift;
        int meanBias = 0;
        if (hw) {
            float num = (float) (is[2] * is[1]);
            float temp = zp(in) * inS / outS;
            temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
            meanBias = zp(out) - (int) temp;
            float realScale = inS / (num * outS);
            int[] q = QuantMath.quantizeMultiplier(realScale, single);
            mult = q[0];
            shift = q[1];
        } else {
            int[] q = QuantMath.quantizeMultiplier((double) inS / (double) outS, single);
            int fold = Math.min(Math.min(QuantMath.log2Floor(n), 32), 31 + q[1]);
            mult = (int) (((long) q[0] << fold) / n);
            shift = q[1] - fold;
        }
        int count = Math.toIntExact(hw ? (long) is[0] * is[3] : kept);
        params.add(count, arena(in.index()), arena(out.index()), isU8(in), planMode, hw ? 1 : 0);
        params.add(is[0], rank == 4 ? is[1] : 0, rank == 4 ? is[2] : 0, rank == 4 ? is[3] : 0);
        params.add(mult, shift, meanBias, zp(in), zp(out), Math.toIntExact(n));
        params.add(dims);
        params.add(reduce);
        return count;
    }

    private static long[] constInts(TensorInfo t) {
        ByteBuffer b = t.data().slice().order(ByteOrder.LITTLE_ENDIAN);
        int size = t.dataType() == DataType.INT64 ? 8 : 4;
        long[] v = new long[b.remaining() / size];
        for (int i = 0; i < v.length; i++) {
            v[i] = size == 8 ? b.getLong(i * 8) : b.getInt(i * 4);
        }
        return v;
    }

    private int softmax(OpInfo op) {
        TensorInfo in = t(op.input(0));
        TensorInfo out = t(op.output(0));
        int[] is = shapes[in.index()];
        int inner = is[is.length - 1];
        long rows = inner == 0 ? 0 : TensorInfo.elementCount(is) / inner;
        float[] enc = NativeOpParams.encode(op).floats();
        float beta = enc.length > 0 ? enc[0] : 1f;
        float scale = -in.quantization().scale() * beta;
        float[] table = new float[256];
        for (int val = 0; val <= 255; val++) {
            // expf(scale * val): float product, exp in double rounded once to float (glibc's expf is
            // correctly rounded in nearly all cases; a rare last-bit difference would show in the parity tests)
            table[255 - val] = (float) Math.exp(scale * val);
        }
        int tableOff = consts.floats(table);
        params.add(Math.toIntExact(rows), arena(in.index()), arena(out.index()), isU8(in), inner, tableOff, zp(out),
                Float.floatToRawIntBits(out.quantization().scale()));
        // the launch: one block of CudaSession.BLOCK threads per row (the device kernel reduces a row per block)
        return Math.toIntExact(rows * 128);
    }

    private int copy(OpInfo op) {
        TensorInfo in = t(op.input(0));
        TensorInfo out = t(op.output(0));
        int bytes = Math.toIntExact(TensorInfo.elementCount(shapes[in.index()]) * in.dataType().byteSize());
        params.add(bytes, arena(in.index()), arena(out.index()));
        return bytes;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int... values) {
            if (n + values.length > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + values.length));
            }
            System.arraycopy(values, 0, a, n, values.length);
            n += values.length;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
