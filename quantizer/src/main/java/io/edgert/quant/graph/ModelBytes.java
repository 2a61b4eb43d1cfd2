package io.edgert.quant.graph;

import org.tensorflow.lite.schema.ModelT;

import java.nio.ByteBuffer;

/** Schema objects from {@code .tflite} bytes (writing is {@link io.edgert.runtime.model.ModelWriter}'s). */
public final class ModelBytes {
    private ModelBytes() {
    }

    public static ModelT read(byte[] bytes) {
        return org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
    }
}
