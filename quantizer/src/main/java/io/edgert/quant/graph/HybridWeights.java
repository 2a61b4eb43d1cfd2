package io.edgert.quant.graph;

import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Hybrid ("dynamic range") models keep float activations but store some weights as int8 constants (the MLPerf
 * Tiny KWS "float32" model does). Their weights are dequantized back to float32 here so the rest of the quantizer
 * sees a plain float model; requantizing per channel then loses nothing the per-tensor int8 weights had.
 */
public final class HybridWeights {
    private HybridWeights() {
    }

    /** Dequantizes every quantized int8/uint8 constant in place and returns their names. */
    public static List<String> dequantize(ModelT m) {
        List<String> names = new ArrayList<>();
        for (TensorT t : m.getSubgraphs()[0].getTensors()) {
            byte type = t.getType();
            QuantizationParametersT q = t.getQuantization();
            if ((type != TensorType.INT8 && type != TensorType.UINT8) || !Buffers.isConstant(m, t) || q == null
                    || q.getScale() == null || q.getScale().length == 0) {
                continue;
            }
            int[] raw = m.getBuffers()[(int) t.getBuffer()].getData();
            float[] scales = q.getScale();
            long[] zps = q.getZeroPoint() == null || q.getZeroPoint().length == 0 ? new long[1] : q.getZeroPoint();
            float[] v = new float[raw.length];
            int axis = q.getQuantizedDimension();
            for (int i = 0; i < raw.length; i++) {
                int c = scales.length == 1 ? 0 : WeightQuantizer.channelOf(i, t.getShape(), axis);
                int value = type == TensorType.INT8 ? (byte) raw[i] : raw[i] & 0xff;
                v[i] = scales[c] * (value - zps[zps.length == 1 ? 0 : c]);
            }
            Buffers.setFloats(m, t, v);
            t.setType(TensorType.FLOAT32);
            t.setQuantization(null);
            names.add(t.getName());
        }
        return names;
    }
}
