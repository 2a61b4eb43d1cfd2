package io.edgert.quant.calib;

import io.edgert.quant.data.SampleSource;
import io.edgert.runtime.EdgertException;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Collects activation statistics of a float model over calibration samples: pass 1 records ranges and channel
 * means; pass 2 (histogram methods only) builds each tensor's histogram over the pass-1 range. Two passes cost a
 * second run of the model but keep memory flat, instead of holding every activation of every sample.
 */
public final class Calibrator {
    private Calibrator() {
    }

    /** The float activations produced by ops in subgraph 0 (the graph inputs are read from the samples). */
    public static int[] opOutputs(ModelT m) {
        SubGraphT g = m.getSubgraphs()[0];
        Set<Integer> r = new LinkedHashSet<>();
        for (OperatorT op : g.getOperators()) {
            for (int out : op.getOutputs()) {
                if (out >= 0 && g.getTensors()[out].getType() == TensorType.FLOAT32) {
                    r.add(out);
                }
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    public static Map<Integer, TensorStats> collect(byte[] floatModel, ModelT m, SampleSource samples, boolean histograms,
                                                    String backend, boolean progress) throws EdgertException {
        SubGraphT g = m.getSubgraphs()[0];
        if (g.getInputs().length != 1) {
            throw new IllegalArgumentException("calibration supports single-input models, got " + g.getInputs().length + " inputs");
        }
        int input = g.getInputs()[0];
        int[] recorded = opOutputs(m);
        Map<Integer, TensorStats> stats = new HashMap<>();
        stats.put(input, new TensorStats(lastDim(g.getTensors()[input])));
        for (int t : recorded) {
            stats.put(t, new TensorStats(lastDim(g.getTensors()[t])));
        }
        try (ActivationRecorder rec = new ActivationRecorder(floatModel, recorded, backend)) {
            ProgressBar bar = new ProgressBar("calibrating", samples.size() * (histograms ? 2 : 1), progress);
            for (int i = 0; i < samples.size(); i++) {
                float[] x = samples.sample(i);
                stats.get(input).observe(x);
                rec.run(i, x, (s, t, v) -> stats.get(t).observe(v));
                bar.step(i + 1);
            }
            if (histograms) {
                stats.values().forEach(TensorStats::startHistogram);
                for (int i = 0; i < samples.size(); i++) {
                    float[] x = samples.sample(i);
                    stats.get(input).histogram(x);
                    rec.run(i, x, (s, t, v) -> stats.get(t).histogram(v));
                    bar.step(samples.size() + i + 1);
                }
            }
        }
        return stats;
    }

    private static int lastDim(TensorT t) {
        int[] s = t.getShape();
        return s == null || s.length == 0 ? 1 : s[s.length - 1];
    }
}
