package io.edgert.quant;

import io.edgert.runtime.model.ModelWriter;
import io.edgert.quant.graph.Buffers;
import io.edgert.quant.graph.ModelBytes;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Small float models built from schema objects, for ops the shared models lack:
 * x[1,4,4,2] -> PAD -> MUL(const) -> CONCATENATION(with the PAD output) -> MEAN(axes 1,2) -> ADD(const) -> LOGISTIC,
 * optionally with an EXP (no int8 rule here) after the ADD.
 */
final class TinyModels {
    private final ModelT m = new ModelT();
    private final List<TensorT> tensors = new ArrayList<>();
    private final List<OperatorT> ops = new ArrayList<>();
    private final List<OperatorCodeT> codes = new ArrayList<>();
    private final List<BufferT> buffers = new ArrayList<>(List.of(new BufferT()));

    private TinyModels() {
    }

    static byte[] elementwiseChain(boolean withExp) {
        TinyModels b = new TinyModels();
        int x = b.tensor("x", new int[] {1, 4, 4, 2}, TensorType.FLOAT32, null);
        int paddings = b.tensor("paddings", new int[] {4, 2}, TensorType.INT32,
                Buffers.ofInts(new int[] {0, 0, 1, 1, 1, 1, 0, 0}));
        int p = b.tensor("pad", new int[] {1, 6, 6, 2}, TensorType.FLOAT32, null);
        b.op(BuiltinOperator.PAD, null, new int[] {x, paddings}, p);
        int k = b.tensor("k", new int[] {2}, TensorType.FLOAT32, Buffers.ofFloats(new float[] {0.5f, -2f}));
        int mul = b.tensor("mul", new int[] {1, 6, 6, 2}, TensorType.FLOAT32, null);
        b.op(BuiltinOperator.MUL, null, new int[] {p, k}, mul);
        int cat = b.tensor("concat", new int[] {1, 6, 6, 4}, TensorType.FLOAT32, null);
        ConcatenationOptionsT co = new ConcatenationOptionsT();
        co.setAxis(3);
        b.op(BuiltinOperator.CONCATENATION, union(BuiltinOptions.ConcatenationOptions, co), new int[] {mul, p}, cat);
        int axes = b.tensor("axes", new int[] {2}, TensorType.INT32, Buffers.ofInts(new int[] {1, 2}));
        int mean = b.tensor("mean", new int[] {1, 4}, TensorType.FLOAT32, null);
        ReducerOptionsT ro = new ReducerOptionsT();
        ro.setKeepDims(false);
        b.op(BuiltinOperator.MEAN, union(BuiltinOptions.ReducerOptions, ro), new int[] {cat, axes}, mean);
        int c = b.tensor("c", new int[] {4}, TensorType.FLOAT32, Buffers.ofFloats(new float[] {0.1f, -0.2f, 0.3f, 0f}));
        int add = b.tensor("add", new int[] {1, 4}, TensorType.FLOAT32, null);
        b.op(BuiltinOperator.ADD, null, new int[] {mean, c}, add);
        int last = add;
        if (withExp) {
            last = b.tensor("exp", new int[] {1, 4}, TensorType.FLOAT32, null);
            b.op(BuiltinOperator.EXP, null, new int[] {add}, last);
        }
        int y = b.tensor("y", new int[] {1, 4}, TensorType.FLOAT32, null);
        b.op(BuiltinOperator.LOGISTIC, null, new int[] {last}, y);
        return b.build(x, y);
    }

    private static BuiltinOptionsUnion union(byte type, Object value) {
        BuiltinOptionsUnion u = new BuiltinOptionsUnion();
        u.setType(type);
        u.setValue(value);
        return u;
    }

    private int tensor(String name, int[] shape, byte type, int[] data) {
        TensorT t = new TensorT();
        t.setName(name);
        t.setShape(shape);
        t.setType(type);
        if (data != null) {
            BufferT buf = new BufferT();
            buf.setData(data);
            buffers.add(buf);
            t.setBuffer(buffers.size() - 1);
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    private void op(int builtin, BuiltinOptionsUnion options, int[] inputs, int output) {
        int index = -1;
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i).getBuiltinCode() == builtin) {
                index = i;
            }
        }
        if (index < 0) {
            OperatorCodeT c = new OperatorCodeT();
            c.setBuiltinCode(builtin);
            c.setDeprecatedBuiltinCode((byte) Math.min(builtin, 127));
            c.setVersion(1);
            codes.add(c);
            index = codes.size() - 1;
        }
        OperatorT op = new OperatorT();
        op.setOpcodeIndex(index);
        op.setInputs(inputs);
        op.setOutputs(new int[] {output});
        op.setBuiltinOptions(options);
        ops.add(op);
    }

    private byte[] build(int input, int output) {
        SubGraphT g = new SubGraphT();
        g.setTensors(tensors.toArray(new TensorT[0]));
        g.setOperators(ops.toArray(new OperatorT[0]));
        g.setInputs(new int[] {input});
        g.setOutputs(new int[] {output});
        g.setName("main");
        m.setVersion(3);
        m.setSubgraphs(new SubGraphT[] {g});
        m.setOperatorCodes(codes.toArray(new OperatorCodeT[0]));
        m.setBuffers(buffers.toArray(new BufferT[0]));
        m.setDescription("edgert quantizer test model");
        return ModelWriter.write(m);
    }
}
