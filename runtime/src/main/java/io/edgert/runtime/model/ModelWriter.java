package io.edgert.runtime.model;

import com.google.flatbuffers.FlatBufferBuilder;
import io.edgert.runtime.Model;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes models as {@code .tflite} bytes (schema version 3, identifier {@code TFL3}) that stock TFLite loads.
 * Edit a model through the schema's object API ({@link #toObjects(Model)}), then write it back.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    /**
     * Serializes a schema object tree. Buffers whose data is an empty array are written without a data vector, as
     * TFLite's converter writes them: the object API turns an absent vector into an empty array on
     * {@link #toObjects unpack}, and TFLite refuses an activation whose buffer has a present but empty data vector
     * ("required_bytes <= bytes was not true"); empty custom options are dropped the same way. The tree itself is
     * left unchanged.
     */
    public static byte[] write(ModelT model) {
        long version = model.getVersion();
        if (version == 0) {
            model.setVersion(3);
        }
        BufferT[] buffers = model.getBuffers();
        int[][] emptied = new int[buffers == null ? 0 : buffers.length][];
        for (int i = 0; i < emptied.length; i++) {
            if (buffers[i] != null && buffers[i].getData() != null && buffers[i].getData().length == 0) {
                emptied[i] = buffers[i].getData();
                buffers[i].setData(null);
            }
        }
        List<OperatorT> clearedOptions = new ArrayList<>();
        for (SubGraphT sg : model.getSubgraphs() == null ? new SubGraphT[0] : model.getSubgraphs()) {
            for (OperatorT op : sg.getOperators() == null ? new OperatorT[0] : sg.getOperators()) {
                // Likewise an empty custom_options vector on a builtin op: TFLite logs "Found builtin operator
                // CONV_2D with custom options".
                if (op.getCustomOptions() != null && op.getCustomOptions().length == 0) {
                    op.setCustomOptions(null);
                    clearedOptions.add(op);
                }
            }
        }
        try {
            return pack(model);
        } finally {
            for (OperatorT op : clearedOptions) {
                op.setCustomOptions(new int[0]);
            }
            for (int i = 0; i < emptied.length; i++) {
                if (emptied[i] != null) {
                    buffers[i].setData(emptied[i]);
                }
            }
            model.setVersion(version == 0 ? 3 : version);
        }
    }

    private static byte[] pack(ModelT model) {
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
