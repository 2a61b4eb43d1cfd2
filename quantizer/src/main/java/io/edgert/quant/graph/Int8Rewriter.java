package io.edgert.quant.graph;

import io.edgert.quant.IoType;
import io.edgert.quant.QuantizationException;
import io.edgert.runtime.model.BuiltinOps;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a float model (schema objects, edited in place) into an int8 one, given a calibrated range per activation.
 * Tensor indices of the float model stay valid (new tensors are appended), so float and int8 activations can be
 * compared by index afterwards. Ops without an int8 rule stay float between DEQUANTIZE and QUANTIZE ops.
 */
public final class Int8Rewriter {
    /** What the rewrite did. */
    public record Result(List<WeightedLayer> layers, List<String> floatOps, Map<Integer, ActivationParams> params,
                         int requantizeOps) {
    }

    private final ModelT model;
    private final Map<Integer, float[]> ranges;
    private final boolean perTensorFc;
    private final IoType io;
    private final boolean strict;
    private final Consumer<String> warn;

    private SubGraphT graph;
    private List<TensorT> tensors;
    private List<OperatorT> ops;
    private final Map<Integer, ActivationParams> params = new HashMap<>();
    private final List<WeightedLayer> layers = new ArrayList<>();
    private final List<String> floatOps = new ArrayList<>();
    private int requantizeOps;

    public Int8Rewriter(ModelT model, Map<Integer, float[]> ranges, boolean perTensorFc, IoType io, boolean strict,
                        Consumer<String> warn) {
        this.model = model;
        this.ranges = ranges;
        this.perTensorFc = perTensorFc;
        this.io = io;
        this.strict = strict;
        this.warn = warn;
    }

    public Result rewrite() throws QuantizationException {
        if (model.getSubgraphs().length != 1) {
            throw new QuantizationException("expected a model with one subgraph, got " + model.getSubgraphs().length
                    + " (control flow is not supported)");
        }
        graph = model.getSubgraphs()[0];
        tensors = new ArrayList<>(Arrays.asList(graph.getTensors()));
        ops = new ArrayList<>(Arrays.asList(graph.getOperators()));
        checkFloatModel(model);

        boolean[] quantized = new boolean[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            String why = whyNotQuantizable(ops.get(i));
            quantized[i] = why == null;
            if (why != null) {
                String msg = opLabel(i) + " stays float: " + why;
                if (strict) {
                    throw new QuantizationException(msg + " (strict)");
                }
                floatOps.add(msg);
                warn.accept(msg);
            }
        }
        assignActivationParams(quantized);
        List<OperatorT> original = List.copyOf(ops);
        for (int i = 0; i < original.size(); i++) {
            if (quantized[i]) {
                quantizeConstants(original.get(i));
            }
        }
        for (int i = 0; i < original.size(); i++) {
            OperatorT op = original.get(i);
            if (quantized[i] && rule(op).rule() == OpRule.SHARED) {
                requantizeInputs(op);
            } else if (!quantized[i]) {
                isolateFloatOp(op);
            }
        }
        for (Map.Entry<Integer, ActivationParams> e : params.entrySet()) {
            TensorT t = tensors.get(e.getKey());
            t.setType(TensorType.INT8);
            t.setQuantization(perTensor(e.getValue()));
        }
        convertIo();
        for (int i = 0; i < original.size(); i++) {
            if (quantized[i]) {
                raiseVersion(original.get(i), rule(original.get(i)).int8Version());
            }
        }
        graph.setTensors(tensors.toArray(new TensorT[0]));
        graph.setOperators(ops.toArray(new OperatorT[0]));
        Buffers.dropUnused(model);
        return new Result(layers, floatOps, params, requantizeOps);
    }

    /** Refuses models that are not float: quantizing twice would silently compound errors. */
    static void checkFloatModel(ModelT m) throws QuantizationException {
        SubGraphT g = m.getSubgraphs()[0];
        for (int in : g.getInputs()) {
            TensorT t = g.getTensors()[in];
            if (t.getType() != TensorType.FLOAT32) {
                throw new QuantizationException("expected a float32 model, but input '" + t.getName() + "' is "
                        + TensorType.name(t.getType()) + ": the model is already quantized or not a float model");
            }
        }
        for (TensorT t : g.getTensors()) {
            QuantizationParametersT q = t.getQuantization();
            boolean hasScale = q != null && q.getScale() != null && q.getScale().length > 0;
            if (hasScale && (t.getType() == TensorType.INT8 || t.getType() == TensorType.UINT8) && !Buffers.isConstant(m, t)) {
                throw new QuantizationException("expected a float32 model, but tensor '" + t.getName()
                        + "' is already quantized (" + TensorType.name(t.getType()) + ")");
            }
        }
    }

    private int code(OperatorT op) {
        OperatorCodeT c = model.getOperatorCodes()[(int) op.getOpcodeIndex()];
        return Math.max(c.getBuiltinCode(), c.getDeprecatedBuiltinCode());
    }

    private OpRule.Entry rule(OperatorT op) {
        return OpRule.of(code(op));
    }

    private String opLabel(int i) {
        OperatorT op = ops.get(i);
        String out = op.getOutputs().length > 0 && op.getOutputs()[0] >= 0 ? tensors.get(op.getOutputs()[0]).getName() : "?";
        return "op " + i + " " + BuiltinOps.name(code(op)) + " ('" + out + "')";
    }

    private boolean isConstant(int t) {
        return t >= 0 && Buffers.isConstant(model, tensors.get(t));
    }

    private boolean isActivation(int t) {
        return t >= 0 && !isConstant(t) && tensors.get(t).getType() == TensorType.FLOAT32;
    }

    private String whyNotQuantizable(OperatorT op) {
        OperatorCodeT c = model.getOperatorCodes()[(int) op.getOpcodeIndex()];
        if (c.getCustomCode() != null && !c.getCustomCode().isEmpty()) {
            return "custom op " + c.getCustomCode();
        }
        OpRule.Entry e = OpRule.of(code(op));
        if (e == null) {
            return "no int8 rule for " + BuiltinOps.name(code(op));
        }
        for (int out : op.getOutputs()) {
            if (out >= 0 && tensors.get(out).getType() != TensorType.FLOAT32) {
                return "output '" + tensors.get(out).getName() + "' is " + TensorType.name(tensors.get(out).getType());
            }
        }
        if (e.rule() == OpRule.WEIGHTED) {
            int[] in = op.getInputs();
            if (in.length < 2 || !isConstant(in[1]) || tensors.get(in[1]).getType() != TensorType.FLOAT32) {
                return "weights are not a float32 constant";
            }
            if (in.length > 2 && in[2] >= 0 && (!isConstant(in[2]) || tensors.get(in[2]).getType() != TensorType.FLOAT32)) {
                return "bias is not a float32 constant";
            }
            if (!isActivation(in[0])) {
                return "input is not a float32 activation";
            }
        }
        int[] in = op.getInputs();
        for (int k = 0; k < in.length; k++) {
            int t = in[k];
            if (t < 0 || isConstant(t) || tensors.get(t).getType() == TensorType.FLOAT32) {
                continue;
            }
            // A computed int32 shape, axes or paddings operand (k > 0) is fine; the data itself must be float.
            boolean auxiliary = k > 0 && (e.rule() == OpRule.OWN || e.rule() == OpRule.SAME_AS_INPUT);
            if (!auxiliary) {
                return "input '" + tensors.get(t).getName() + "' is " + TensorType.name(tensors.get(t).getType());
            }
        }
        return null;
    }

    private ActivationParams calibrated(int t) throws QuantizationException {
        float[] r = ranges.get(t);
        if (r == null) {
            throw new QuantizationException("no calibration range for tensor " + t + " '" + tensors.get(t).getName() + "'");
        }
        return ActivationParams.fromRange(r[0], r[1]);
    }

    /** Every float activation becomes int8: calibrated, then constrained by the op rules in graph order. */
    private void assignActivationParams(boolean[] quantized) throws QuantizationException {
        for (int in : graph.getInputs()) {
            params.put(in, calibrated(in));
        }
        for (OperatorT op : ops) {
            for (int out : op.getOutputs()) {
                if (isActivation(out)) {
                    params.put(out, calibrated(out));
                }
            }
        }
        // CONCATENATION: one range for all; inputs whose producers are free take it directly (no requantize op).
        for (int i = 0; i < ops.size(); i++) {
            OperatorT op = ops.get(i);
            if (!quantized[i] || rule(op).rule() != OpRule.SHARED) {
                continue;
            }
            float lo = 0;
            float hi = 0;
            for (int t : concat(op.getInputs(), op.getOutputs())) {
                if (params.containsKey(t)) {
                    lo = Math.min(lo, params.get(t).low());
                    hi = Math.max(hi, params.get(t).high());
                }
            }
            ActivationParams shared = ActivationParams.fromRange(lo, hi);
            params.put(op.getOutputs()[0], shared);
            for (int in : op.getInputs()) {
                if (params.containsKey(in) && consumers(in) == 1 && !isGraphIo(in)) {
                    params.put(in, shared);
                }
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            OperatorT op = ops.get(i);
            if (!quantized[i]) {
                continue;
            }
            int out = op.getOutputs()[0];
            switch (rule(op).rule()) {
                case SAME_AS_INPUT -> params.put(out, params.get(op.getInputs()[0]));
                case FIXED_UNIT -> params.put(out, ActivationParams.UNIT);
                case FIXED_TANH -> params.put(out, ActivationParams.TANH);
                default -> {
                }
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private int consumers(int t) {
        int n = 0;
        for (OperatorT op : ops) {
            for (int in : op.getInputs()) {
                if (in == t) {
                    n++;
                }
            }
        }
        return n;
    }

    private boolean isGraphIo(int t) {
        return contains(graph.getInputs(), t) || contains(graph.getOutputs(), t);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Weights, bias and other float constants of one quantized op. */
    private void quantizeConstants(OperatorT op) {
        int[] in = op.getInputs();
        int firstOther = 0;
        if (rule(op).rule() == OpRule.WEIGHTED) {
            quantizeWeighted(op);
            firstOther = in.length;
        }
        for (int k = firstOther; k < in.length; k++) {
            int t = in[k];
            if (t >= 0 && isConstant(t) && tensors.get(t).getType() == TensorType.FLOAT32) {
                int own = ownTensor(op, k);
                TensorT tt = tensors.get(own);
                ActivationParams.Quantized q = WeightQuantizer.quantizeAsymmetric(Buffers.floats(model, tt));
                Buffers.set(model, tt, Buffers.ofBytes(q.values()));
                tt.setType(TensorType.INT8);
                tt.setQuantization(perTensor(q.params()));
            }
        }
    }

    private void quantizeWeighted(OperatorT op) {
        int code = code(op);
        int[] in = op.getInputs();
        int x = in[0];
        int w = ownTensor(op, 1);
        TensorT wt = tensors.get(w);
        int axis = code == BuiltinOperator.DEPTHWISE_CONV_2D ? 3 : 0;
        boolean perChannel = !(code == BuiltinOperator.FULLY_CONNECTED && perTensorFc);
        float[] wf = Buffers.floats(model, wt);
        WeightQuantizer.Result q = WeightQuantizer.quantize(wf, wt.getShape(), axis, perChannel);
        Buffers.set(model, wt, Buffers.ofBytes(q.values()));
        wt.setType(TensorType.INT8);
        wt.setQuantization(symmetric(q.scales(), axis));
        float sIn = params.get(x).scale();
        int b = -1;
        if (in.length > 2 && in[2] >= 0) {
            b = ownTensor(op, 2);
            TensorT bt = tensors.get(b);
            float[] bf = Buffers.floats(model, bt);
            float[] bScales = new float[q.scales().length];
            for (int c = 0; c < bScales.length; c++) {
                bScales[c] = sIn * q.scales()[c];
            }
            int[] bq = new int[bf.length];
            for (int c = 0; c < bf.length; c++) {
                bq[c] = BiasMath.toInt32(bf[c], bScales[bScales.length == 1 ? 0 : c]);
            }
            Buffers.set(model, bt, Buffers.ofInts(bq));
            bt.setType(TensorType.INT32);
            bt.setQuantization(symmetric(bScales, 0));
        }
        layers.add(new WeightedLayer(op, code, tensors.get(op.getOutputs()[0]).getName(), x, op.getOutputs()[0], w, b,
                wt.getShape().clone(), axis, wf, q, sIn));
    }

    /** The tensor at input k of op, cloned first when another op or role shares it, so editing it is safe. */
    private int ownTensor(OperatorT op, int k) {
        int t = op.getInputs()[k];
        if (consumers(t) <= 1 && !isGraphIo(t)) {
            return t;
        }
        TensorT src = tensors.get(t);
        TensorT c = new TensorT();
        c.setName(src.getName() + "_" + tensors.size());
        c.setShape(src.getShape().clone());
        c.setShapeSignature(src.getShapeSignature() == null ? null : src.getShapeSignature().clone());
        c.setType(src.getType());
        c.setBuffer(Buffers.add(model, model.getBuffers()[(int) src.getBuffer()].getData().clone()));
        tensors.add(c);
        op.getInputs()[k] = tensors.size() - 1;
        return tensors.size() - 1;
    }

    private void requantizeInputs(OperatorT op) {
        ActivationParams target = params.get(op.getOutputs()[0]);
        for (int k = 0; k < op.getInputs().length; k++) {
            int in = op.getInputs()[k];
            if (params.containsKey(in) && !params.get(in).equals(target)) {
                int t = newTensor(tensors.get(in), "_requant", TensorType.INT8);
                params.put(t, target);
                insertBefore(op, newOp(BuiltinOperator.QUANTIZE, 2, in, t));
                op.getInputs()[k] = t;
                requantizeOps++;
            }
        }
    }

    /** A float op between DEQUANTIZE (its int8 inputs) and QUANTIZE (its outputs, which stay int8 for consumers). */
    private void isolateFloatOp(OperatorT op) {
        for (int k = 0; k < op.getInputs().length; k++) {
            int in = op.getInputs()[k];
            if (params.containsKey(in)) {
                int f = newTensor(tensors.get(in), "_dequant", TensorType.FLOAT32);
                insertBefore(op, newOp(BuiltinOperator.DEQUANTIZE, 2, in, f));
                op.getInputs()[k] = f;
            }
        }
        for (int k = 0; k < op.getOutputs().length; k++) {
            int out = op.getOutputs()[k];
            if (params.containsKey(out)) {
                int f = newTensor(tensors.get(out), "_float", TensorType.FLOAT32);
                op.getOutputs()[k] = f;
                insertAfter(op, newOp(BuiltinOperator.QUANTIZE, 1, f, out));
            }
        }
    }

    /** Graph inputs and outputs as asked: int8 as is, or uint8/float through conversion ops at the edges. */
    private void convertIo() {
        if (io == IoType.INT8) {
            return;
        }
        byte type = io == IoType.FLOAT ? TensorType.FLOAT32 : TensorType.INT8;
        int[] inputs = graph.getInputs().clone();
        for (int k = 0; k < inputs.length; k++) {
            int q = inputs[k];
            int e = edgeTensor(q);
            TensorT et = tensors.get(e);
            if (io == IoType.UINT8) {
                et.setType(TensorType.UINT8);
                et.setQuantization(perTensor(uint8(params.get(q))));
            } else {
                et.setType(type);
            }
            ops.add(0, newOp(BuiltinOperator.QUANTIZE, io == IoType.UINT8 ? 2 : 1, e, q));
            inputs[k] = e;
            renameSignature(q, e);
        }
        graph.setInputs(inputs);
        int[] outputs = graph.getOutputs().clone();
        for (int k = 0; k < outputs.length; k++) {
            int q = outputs[k];
            int e = edgeTensor(q);
            TensorT et = tensors.get(e);
            if (io == IoType.UINT8) {
                et.setType(TensorType.UINT8);
                et.setQuantization(perTensor(uint8(params.get(q))));
                ops.add(newOp(BuiltinOperator.QUANTIZE, 2, q, e));
            } else {
                et.setType(TensorType.FLOAT32);
                ops.add(newOp(BuiltinOperator.DEQUANTIZE, 2, q, e));
            }
            outputs[k] = e;
            renameSignature(q, e);
        }
        graph.setOutputs(outputs);
    }

    /** A new graph-edge tensor that takes over the user-facing name; the int8 one inside is renamed "_int8". */
    private int edgeTensor(int inner) {
        TensorT src = tensors.get(inner);
        int e = newTensor(src, "", TensorType.FLOAT32);
        tensors.get(e).setName(src.getName());
        src.setName(src.getName() + "_int8");
        return e;
    }

    private static ActivationParams uint8(ActivationParams p) {
        return new ActivationParams(p.scale(), p.zeroPoint() + 128);
    }

    private void renameSignature(int from, int to) {
        if (model.getSignatureDefs() == null) {
            return;
        }
        for (SignatureDefT s : model.getSignatureDefs()) {
            for (TensorMapT[] maps : new TensorMapT[][] {s.getInputs(), s.getOutputs()}) {
                if (maps == null) {
                    continue;
                }
                for (TensorMapT m : maps) {
                    if (m.getTensorIndex() == from) {
                        m.setTensorIndex(to);
                    }
                }
            }
        }
    }

    private int newTensor(TensorT like, String suffix, byte type) {
        TensorT t = new TensorT();
        t.setName(like.getName() + suffix);
        t.setShape(like.getShape().clone());
        t.setShapeSignature(like.getShapeSignature() == null ? null : like.getShapeSignature().clone());
        t.setType(type);
        t.setBuffer(0);
        tensors.add(t);
        return tensors.size() - 1;
    }

    private OperatorT newOp(int builtin, int version, int in, int out) {
        OperatorT op = new OperatorT();
        op.setOpcodeIndex(opcode(builtin, version));
        op.setInputs(new int[] {in});
        op.setOutputs(new int[] {out});
        return op;
    }

    private void insertBefore(OperatorT anchor, OperatorT op) {
        ops.add(ops.indexOf(anchor), op);
    }

    private void insertAfter(OperatorT anchor, OperatorT op) {
        ops.add(ops.indexOf(anchor) + 1, op);
    }

    private int opcode(int builtin, int version) {
        OperatorCodeT[] codes = model.getOperatorCodes();
        for (int i = 0; i < codes.length; i++) {
            OperatorCodeT c = codes[i];
            if (Math.max(c.getBuiltinCode(), c.getDeprecatedBuiltinCode()) == builtin
                    && (c.getCustomCode() == null || c.getCustomCode().isEmpty())) {
                c.setVersion(Math.max(c.getVersion(), version));
                return i;
            }
        }
        OperatorCodeT c = new OperatorCodeT();
        c.setBuiltinCode(builtin);
        c.setDeprecatedBuiltinCode((byte) Math.min(builtin, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES));
        c.setVersion(version);
        OperatorCodeT[] all = Arrays.copyOf(codes, codes.length + 1);
        all[codes.length] = c;
        model.setOperatorCodes(all);
        return codes.length;
    }

    private void raiseVersion(OperatorT op, int version) {
        OperatorCodeT c = model.getOperatorCodes()[(int) op.getOpcodeIndex()];
        c.setVersion(Math.max(c.getVersion(), version));
    }

    static QuantizationParametersT perTensor(ActivationParams p) {
        QuantizationParametersT q = new QuantizationParametersT();
        q.setScale(new float[] {p.scale()});
        q.setZeroPoint(new long[] {p.zeroPoint()});
        q.setQuantizedDimension(0);
        return q;
    }

    static QuantizationParametersT symmetric(float[] scales, int axis) {
        QuantizationParametersT q = new QuantizationParametersT();
        q.setScale(scales.clone());
        q.setZeroPoint(new long[scales.length]);
        q.setQuantizedDimension(scales.length == 1 ? 0 : axis);
        return q;
    }
}
