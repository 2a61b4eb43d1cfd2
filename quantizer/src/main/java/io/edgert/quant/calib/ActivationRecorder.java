package io.edgert.quant.calib;

import io.edgert.runtime.model.ModelWriter;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.quant.graph.ModelBytes;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.SubGraphT;

import java.util.Arrays;

/**
 * Runs a model in TensorFlow Lite with chosen intermediate tensors made graph outputs, so one invocation shows every
 * activation. The model object is copied first; the caller's {@code ModelT} is left as it was.
 */
public final class ActivationRecorder implements AutoCloseable {
    /** Receives one recorded tensor of one sample. */
    public interface Sink {
        void accept(int sample, int tensor, float[] values);
    }

    private final Model model;
    private final Session session;
    private final int[] recorded;

    /**
     * @param bytes   the model
     * @param tensors tensor indices of subgraph 0 to record (each an op output)
     * @param backend {@code tflite} or {@code tflite-ref}
     */
    public ActivationRecorder(byte[] bytes, int[] tensors, String backend) throws EdgertException {
        ModelT m = ModelBytes.read(bytes);
        SubGraphT g = m.getSubgraphs()[0];
        this.recorded = tensors.clone();
        // The model's own outputs stay outputs (after the recorded ones): TFLite 2.20 aborts the process on some
        // graphs (ad01's FC chain) whose last ops produce tensors that nothing reads and that are not outputs.
        int[] outputs = Arrays.copyOf(recorded, recorded.length + g.getOutputs().length);
        int n = recorded.length;
        for (int o : g.getOutputs()) {
            if (Arrays.stream(recorded).noneMatch(r -> r == o)) {
                outputs[n++] = o;
            }
        }
        g.setOutputs(Arrays.copyOf(outputs, n));
        byte[] withOutputs = ModelWriter.write(m);
        this.model = Model.load(withOutputs);
        Session s = null;
        try {
            s = model.newSession(Session.Options.defaults().backend(backend).threads(1));
        } finally {
            if (s == null) {
                model.close();
            }
        }
        this.session = s;
    }

    public int[] recorded() {
        return recorded.clone();
    }

    /** Runs one sample through input 0 and hands each recorded tensor to the sink. */
    public void run(int sample, float[] input, Sink sink) throws EdgertException {
        session.input(0).putFloats(input);
        session.run();
        for (int i = 0; i < recorded.length; i++) {
            sink.accept(sample, recorded[i], session.output(i).getFloats());
        }
    }

    /** Runs one sample and returns the recorded tensors in order. */
    public float[][] run(float[] input) throws EdgertException {
        float[][] out = new float[recorded.length][];
        run(0, input, (s, t, v) -> out[indexOf(t)] = v);
        return out;
    }

    private int indexOf(int tensor) {
        for (int i = 0; i < recorded.length; i++) {
            if (recorded[i] == tensor) {
                return i;
            }
        }
        throw new IllegalArgumentException("tensor " + tensor + " is not recorded: " + Arrays.toString(recorded));
    }

    @Override
    public void close() {
        session.close();
        model.close();
    }
}
