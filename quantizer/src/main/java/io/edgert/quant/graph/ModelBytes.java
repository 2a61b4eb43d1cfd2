package io.edgert.quant.graph;

import io.edgert.runtime.model.ModelWriter;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;

import java.nio.ByteBuffer;

/** Schema objects to and from {@code .tflite} bytes. */
public final class ModelBytes {
    private ModelBytes() {
    }

    public static ModelT read(byte[] bytes) {
        return org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
    }

    /**
     * Writes through {@link ModelWriter}, first dropping empty data vectors: unpacking turns an absent buffer into an
     * empty array, and TFLite 2.20's InterpreterBuilder treats any present data vector, even an empty one, as
     * constant data ("required_bytes <= bytes was not true" on the model input). Empty custom options likewise make
     * it report "builtin operator ... with custom options".
     */
    public static byte[] write(ModelT m) {
        for (BufferT b : m.getBuffers()) {
            if (b.getData() != null && b.getData().length == 0) {
                b.setData(null);
            }
        }
        for (SubGraphT g : m.getSubgraphs()) {
            for (OperatorT op : g.getOperators()) {
                if (op.getCustomOptions() != null && op.getCustomOptions().length == 0) {
                    op.setCustomOptions(null);
                }
            }
        }
        return ModelWriter.write(m);
    }
}
