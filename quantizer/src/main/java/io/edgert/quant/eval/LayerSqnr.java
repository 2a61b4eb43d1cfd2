package io.edgert.quant.eval;

import io.edgert.quant.calib.ActivationRecorder;
import io.edgert.quant.data.SampleSource;
import io.edgert.runtime.EdgertException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-activation SQNR between the float model and the int8 model, tensor by tensor: both models are run with the
 * same intermediate tensors made outputs (the quantizer keeps float tensor indices valid in the int8 model), and
 * each int8 activation is dequantized with its own parameters.
 */
public final class LayerSqnr {
    public record Entry(int tensor, String name, double sqnrDb) {
    }

    private LayerSqnr() {
    }

    /** Worst layer first. */
    public static List<Entry> measure(byte[] floatModel, byte[] quantModel, int[] tensors, String[] names,
                                      SampleSource samples, String backend) throws EdgertException {
        Sqnr[] acc = new Sqnr[tensors.length];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = new Sqnr();
        }
        try (ActivationRecorder f = new ActivationRecorder(floatModel, tensors, backend);
             ActivationRecorder q = new ActivationRecorder(quantModel, tensors, backend)) {
            for (int s = 0; s < samples.size(); s++) {
                float[] x = samples.sample(s);
                float[][] fv = f.run(x);
                float[][] qv = q.run(x);
                for (int i = 0; i < tensors.length; i++) {
                    acc[i].add(fv[i], qv[i]);
                }
            }
        }
        List<Entry> r = new ArrayList<>();
        for (int i = 0; i < tensors.length; i++) {
            r.add(new Entry(tensors[i], names[i], acc[i].db()));
        }
        r.sort(Comparator.comparingDouble(Entry::sqnrDb));
        return r;
    }
}
