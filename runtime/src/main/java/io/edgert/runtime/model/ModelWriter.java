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
        FlatBufferBuilder fbb = new FlatBufferBuilder(1 << 16);
        int root = org.tensorflow.lite.schema.Model.pack(fbb, model);
        org.tensorflow.lite.schema.Model.finishModelBuffer(fbb, root);
        ByteBuffer out = fbb.dataBuffer();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
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
