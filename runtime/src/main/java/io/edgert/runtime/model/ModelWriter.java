package io.edgert.runtime.model;

import com.google.flatbuffers.FlatBufferBuilder;
import io.edgert.runtime.Model;
import org.tensorflow.lite.schema.ModelT;

import java.nio.ByteBuffer;

/**
 * Writes models as {@code .tflite} bytes (schema version 3, identifier {@code TFL3}) that stock TFLite loads.
 * Edit a model through the schema's object API ({@link #toObjects(Model)}), then write it back.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    /** Serializes a schema object tree. */
    public static byte[] write(ModelT model) {
        if (model.getVersion() == 0) {
            model.setVersion(3);
        }
        dropEmptyVectors(model);
        FlatBufferBuilder fbb = new FlatBufferBuilder(1 << 16);
        int root = org.tensorflow.lite.schema.Model.pack(fbb, model);
        org.tensorflow.lite.schema.Model.finishModelBuffer(fbb, root);
        ByteBuffer out = fbb.dataBuffer();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /**
     * Unpacking turns an absent vector into an empty array, and packing writes it back as a present, empty vector.
     * TFLite 2.20 treats any present buffer {@code data} vector as constant data ("required_bytes <= bytes was not
     * true" on the first activation) and any present {@code custom_options} on a builtin op as an error, so empty
     * ones are written as absent, as TFLite's converter does.
     */
    private static void dropEmptyVectors(ModelT model) {
        if (model.getBuffers() != null) {
            for (org.tensorflow.lite.schema.BufferT b : model.getBuffers()) {
                if (b != null && b.getData() != null && b.getData().length == 0) {
                    b.setData(null);
                }
            }
        }
        if (model.getSubgraphs() != null) {
            for (org.tensorflow.lite.schema.SubGraphT g : model.getSubgraphs()) {
                for (org.tensorflow.lite.schema.OperatorT op : g.getOperators()) {
                    if (op.getCustomOptions() != null && op.getCustomOptions().length == 0) {
                        op.setCustomOptions(null);
                    }
                }
            }
        }
    }

    /** A mutable copy of a loaded model's schema objects (weights are copied into Java arrays). */
    public static ModelT toObjects(Model model) {
        return model.flatbuffer().unpack();
    }

    /** Writes a loaded model back out. */
    public static byte[] write(Model model) {
        return write(toObjects(model));
    }
}
