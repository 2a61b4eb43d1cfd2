package io.edgert.runtime;

import org.tensorflow.lite.schema.TensorType;

/** Element types edgert knows, with their TFLite schema code and size in bytes. */
public enum DataType {
    FLOAT32(TensorType.FLOAT32, 4),
    FLOAT16(TensorType.FLOAT16, 2),
    INT32(TensorType.INT32, 4),
    UINT8(TensorType.UINT8, 1),
    INT64(TensorType.INT64, 8),
    BOOL(TensorType.BOOL, 1),
    INT16(TensorType.INT16, 2),
    INT8(TensorType.INT8, 1),
    FLOAT64(TensorType.FLOAT64, 8),
    UINT32(TensorType.UINT32, 4),
    UINT16(TensorType.UINT16, 2),
    /** Variable-length strings; no fixed element size, never a quantized tensor. */
    STRING(TensorType.STRING, 0);

    private final byte tfliteCode;
    private final int byteSize;

    DataType(byte tfliteCode, int byteSize) {
        this.tfliteCode = tfliteCode;
        this.byteSize = byteSize;
    }

    /** The {@code TensorType} value in the TFLite schema. */
    public byte tfliteCode() {
        return tfliteCode;
    }

    /** Bytes per element; 0 for {@link #STRING}. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the types that carry quantization parameters in int8/uint8/int16 models. */
    public boolean isQuantizedType() {
        return this == INT8 || this == UINT8 || this == INT16;
    }

    /** Lower-case name as used by the CLI and NumPy-ish descriptions ("int8", "float32"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Maps a schema code, or returns null for codes edgert does not know (complex, resource, variant...). */
    public static DataType fromTflite(byte code) {
        for (DataType t : values()) {
            if (t.tfliteCode == code) {
                return t;
            }
        }
        return null;
    }

    /** Parses a label such as "int8" or "float32". */
    public static DataType fromLabel(String label) {
        return valueOf(label.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
