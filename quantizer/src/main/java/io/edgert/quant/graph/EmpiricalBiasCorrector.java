package io.edgert.quant.graph;

import io.edgert.runtime.model.ModelWriter;
import io.edgert.quant.calib.ActivationRecorder;
import io.edgert.quant.data.SampleSource;
import io.edgert.runtime.EdgertException;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.TensorT;

import java.util.List;

/**
 * Empirical bias correction: layer by layer in graph order, run the int8 model (with the corrections made so far)
 * and the float model on calibration samples, take the mean error of the layer's output per channel, and subtract
 * it from the int32 bias. Going in order means each layer corrects what reaches it, upstream fixes included.
 * Under a fused ReLU/ReLU6 only positions where both outputs are inside the linear region count, since clipped
 * positions say nothing about the bias.
 */
public final class EmpiricalBiasCorrector {
    private EmpiricalBiasCorrector() {
    }

    /** Corrects the layers' biases in {@code quantized} in place; returns how many layers were corrected. */
    public static int correct(ModelT quantized, byte[] floatModel, List<WeightedLayer> layers, SampleSource samples,
                              String backend) throws EdgertException {
        int[] outs = layers.stream().mapToInt(WeightedLayer::outputTensor).toArray();
        float[][][] reference = new float[samples.size()][][];
        float[][] inputs = new float[samples.size()][];
        try (ActivationRecorder f = new ActivationRecorder(floatModel, outs, backend)) {
            for (int s = 0; s < samples.size(); s++) {
                inputs[s] = samples.sample(s);
                reference[s] = f.run(inputs[s]);
            }
        }
        int corrected = 0;
        for (int k = 0; k < layers.size(); k++) {
            WeightedLayer l = layers.get(k);
            if (l.biasTensor() < 0) {
                continue;
            }
            int channels = l.outputChannels();
            double[] sum = new double[channels];
            long[] count = new long[channels];
            float hi = switch (WeightedOps.fusedActivation(l.op())) {
                case ActivationFunctionType.RELU6 -> 6f;
                case ActivationFunctionType.RELU_N1_TO_1 -> 1f;
                default -> Float.POSITIVE_INFINITY;
            };
            boolean clipped = WeightedOps.fusedActivation(l.op()) != ActivationFunctionType.NONE;
            try (ActivationRecorder q = new ActivationRecorder(ModelWriter.write(quantized), new int[] {outs[k]}, backend)) {
                for (int s = 0; s < samples.size(); s++) {
                    float[] qv = q.run(inputs[s])[0];
                    float[] fv = reference[s][k];
                    for (int i = 0; i < qv.length; i++) {
                        if (clipped && !(fv[i] > 0 && qv[i] > 0 && fv[i] < hi && qv[i] < hi)) {
                            continue;
                        }
                        sum[i % channels] += qv[i] - fv[i];
                        count[i % channels]++;
                    }
                }
            }
            TensorT bt = quantized.getSubgraphs()[0].getTensors()[l.biasTensor()];
            int[] raw = quantized.getBuffers()[(int) bt.getBuffer()].getData();
            float[] scales = bt.getQuantization().getScale();
            int[] bias = new int[channels];
            for (int c = 0; c < channels; c++) {
                int v = (raw[4 * c] & 0xff) | (raw[4 * c + 1] & 0xff) << 8 | (raw[4 * c + 2] & 0xff) << 16
                        | (raw[4 * c + 3] & 0xff) << 24;
                double err = count[c] == 0 ? 0 : sum[c] / count[c];
                long fixed = (long) v - BiasMath.toInt32(err, scales[scales.length == 1 ? 0 : c]);
                bias[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, fixed));
            }
            Buffers.set(quantized, bt, Buffers.ofInts(bias));
            corrected++;
        }
        return corrected;
    }
}
