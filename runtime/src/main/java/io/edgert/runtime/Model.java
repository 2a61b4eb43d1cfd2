package io.edgert.runtime;

import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.ModelReader;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A validated, immutable {@code .tflite} model: tensors, operators, quantization parameters and constant buffers.
 * Backend-neutral; {@link Session} runs it. Files are memory-mapped, not copied; weights stay views into the mapping.
 *
 * <p>Thread-safe. Closing a model only stops new sessions from being created from it: sessions keep what they
 * need alive.
 */
public final class Model implements AutoCloseable {
    // java.util.logging, not System.Logger: Android (API 26) has no System.Logger
    private static final Logger LOG = Logger.getLogger(Model.class.getName());

    private final ByteBuffer bytes;
    private final String source;
    private final ModelReader.Result parsed;
    private volatile boolean closed;

    private Model(ByteBuffer bytes, String source, ModelReader.Result parsed) {
        this.bytes = bytes;
        this.source = source;
        this.parsed = parsed;
        for (String w : parsed.warnings()) {
            LOG.log(Level.WARNING, source + ": " + w);
        }
    }

    /** Maps and validates a {@code .tflite} file. */
    public static Model load(Path path) throws IOException, ModelFormatException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModelFormatException(path + ": " + size + " bytes is larger than the 2 GiB FlatBuffer limit");
            }
            ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            return fromBuffer(mapped, path.toString());
        }
    }

    /** Validates a model held in memory. The array is copied into native memory once, so it may be reused. */
    public static Model load(byte[] bytes) throws ModelFormatException {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        ((Buffer) direct.put(bytes)).flip();  // Buffer.flip: ByteBuffer's override is Java 9+, not on Android
        return fromBuffer(direct, "<" + bytes.length + " bytes>");
    }

    /**
     * Validates a model in a buffer (from position to limit). A direct buffer is used in place and must not be
     * modified while the model or its sessions live; a heap buffer is copied into native memory.
     */
    public static Model load(ByteBuffer buffer) throws ModelFormatException {
        ByteBuffer view = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (!view.isDirect()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(view.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            ((Buffer) direct.put(view)).flip();
            view = direct;
        }
        return fromBuffer(view, "<" + view.remaining() + " bytes>");
    }

    private static Model fromBuffer(ByteBuffer buffer, String source) throws ModelFormatException {
        ByteBuffer ro = buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new Model(ro, source, ModelReader.read(ro));
    }

    /** Read-only view of the whole file, position 0; direct (native memory) so backends can use it in place. */
    public ByteBuffer buffer() {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Size of the file in bytes. */
    public int byteSize() {
        return bytes.capacity();
    }

    /** The path it was loaded from, or a description of the in-memory source. */
    public String source() {
        return source;
    }

    public String description() {
        return parsed.description();
    }

    public long schemaVersion() {
        return parsed.schemaVersion();
    }

    /** Non-fatal oddities found while validating (e.g. person_detect's stray quantized_dimension). */
    public List<String> warnings() {
        return parsed.warnings();
    }

    /** The TFLite schema object over the same bytes, for code that needs fields edgert does not surface. */
    public org.tensorflow.lite.schema.Model flatbuffer() {
        return parsed.flatbuffer();
    }

    public int subgraphCount() {
        return parsed.subgraphs().size();
    }

    public Graph subgraph(int index) {
        return parsed.subgraphs().get(index);
    }

    /** The primary subgraph (index 0), which is what sessions run. */
    public Graph graph() {
        return parsed.subgraphs().get(0);
    }

    public List<TensorInfo> tensors() {
        return graph().tensors();
    }

    public List<OpInfo> operators() {
        return graph().operators();
    }

    public int inputCount() {
        return graph().inputs().length;
    }

    public int outputCount() {
        return graph().outputs().length;
    }

    public TensorInfo input(int i) {
        return graph().input(i);
    }

    public TensorInfo output(int i) {
        return graph().output(i);
    }

    /** Creates a session with default options. */
    public Session newSession() throws EdgertException {
        return Session.create(this, Session.Options.defaults());
    }

    /** Creates a session. */
    public Session newSession(Session.Options options) throws EdgertException {
        return Session.create(this, options);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Model is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Model[" + source + ", " + tensors().size() + " tensors, " + operators().size() + " ops]";
    }
}
