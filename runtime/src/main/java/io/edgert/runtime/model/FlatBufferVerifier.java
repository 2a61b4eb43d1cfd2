package io.edgert.runtime.model;

import com.google.flatbuffers.BaseVector;
import com.google.flatbuffers.Table;
import io.edgert.runtime.ModelFormatException;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.Operator;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that every table, vector, string and union reachable from the model root lies inside the file, the job
 * of the C++ FlatBuffers verifier.
 *
 * <p>Why: TFLite's {@code FlatBufferModel::BuildFromBuffer}, which the TFLite backend uses, does not verify, and
 * the interpreter builder then reads fields edgert's reader never looks at (op intermediates, custom options,
 * sparsity, signature defs...). One flipped byte in such an offset made TFLite read outside the file and the JVM die
 * with SIGSEGV. So every field the schema defines is read here once, through the bounds-checked Java accessors.
 *
 * <p>How: the generated schema classes are walked by reflection (a table's scalar, string, sub-table, vector and
 * union accessors), so the ~150 builtin options tables need no hand-written code. Vector lengths are checked
 * against the file size before anything is iterated, and each (class, position) is visited once, so a hostile file
 * cannot make the walk allocate or loop without bound. Fields newer than the schema classes (Buffer and Operator
 * offsets used only by models over 2 GiB, StableHLO {@code builtin_options_2}) are read raw from the vtable.
 */
final class FlatBufferVerifier {
    private static final String SCHEMA_PACKAGE = "org.tensorflow.lite.schema.";
    /** Union field name to the class holding its type names, where it is not the capitalized field name. */
    private static final Map<String, String> UNION_TYPES = Map.of(
            "details", "QuantizationDetails",
            "arraySegments", "SparseIndexVector",
            "arrayIndices", "SparseIndexVector");
    private static final Map<Class<?>, Accessors> ACCESSORS = new ConcurrentHashMap<>();
    private static final Field BB_POS;
    private static final Field VECTOR_START;

    static {
        try {
            BB_POS = Table.class.getDeclaredField("bb_pos");
            BB_POS.setAccessible(true);
            VECTOR_START = BaseVector.class.getDeclaredField("vector");
            VECTOR_START.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int size;
    private final Map<Class<?>, Set<Integer>> visited = new HashMap<>();

    private FlatBufferVerifier(int size) {
        this.size = size;
    }

    /** Verifies the whole tree under {@code root}; {@code size} is the file length. */
    static void verify(org.tensorflow.lite.schema.Model root, int size) throws ModelFormatException {
        new FlatBufferVerifier(size).table(root, "model");
    }

    private void table(Table t, String path) throws ModelFormatException {
        int pos = position(t);
        if (!visited.computeIfAbsent(t.getClass(), c -> new HashSet<>()).add(pos)) {
            return;
        }
        int[] fields = checkVtable(t, pos, path);
        Accessors a = ACCESSORS.computeIfAbsent(t.getClass(), Accessors::of);
        for (Method m : a.scalars) {
            call(m, t, path + "." + m.getName());
        }
        for (int i = 0; i < a.strings.size(); i++) {
            String p = path + "." + a.strings.get(i).getName();
            call(a.strings.get(i), t, p);
            ByteBuffer str = (ByteBuffer) call(a.stringBytes.get(i), t, p);
            if (str != null) {
                requireForward(t, fields, str.position() - 4, p);
            }
        }
        for (Method m : a.tables) {
            Object sub = call(m, t, path + "." + m.getName());
            if (sub != null) {
                requireForward(t, fields, position((Table) sub), path + "." + m.getName());
                table((Table) sub, path + "." + m.getName());
            }
        }
        for (VectorField v : a.vectors) {
            vector(t, fields, v, path + "." + v.name);
        }
        for (UnionField u : a.unions) {
            union(t, fields, u, path + "." + u.name);
        }
        if (t instanceof Buffer) {
            checkExternalData(t, pos, 1, path, "buffer data");
        } else if (t instanceof Operator) {
            checkExternalData(t, pos, 9, path, "large custom options");
            int options2Type = rawField(t, pos, 11);
            if (options2Type != 0 && t.getByteBuffer().get(options2Type) != 0) {
                throw new ModelFormatException(path + ": has builtin_options_2 (StableHLO options), which edgert does "
                        + "not read", pos);
            }
        }
    }

    private void vector(Table t, int[] fields, VectorField v, String path) throws ModelFormatException {
        Object handle = v.vector == null ? null : call(v.vector, t, path);
        int start = -1;
        if (handle != null) {
            start = vectorStart(handle);
            requireForward(t, fields, start - 4, path);
        }
        int len = (int) call(v.length, t, path + " length");
        if (len < 0 || (long) len * v.elementSize > size) {
            throw new ModelFormatException(path + ": vector length " + Integer.toUnsignedLong(len)
                    + " does not fit in the " + size + "-byte file", position(t));
        }
        if (len == 0) {
            return;
        }
        if (!Table.class.isAssignableFrom(v.element.getReturnType()) && v.element.getReturnType() != String.class) {
            // Scalars are contiguous: the last element being readable puts the whole vector inside the file.
            call(v.element, t, path + "[" + (len - 1) + "]", len - 1);
            return;
        }
        for (int i = 0; i < len; i++) {
            if (start >= 0) {
                int raw = t.getByteBuffer().getInt(start + 4 * i);
                if (raw <= 0) {
                    throw new ModelFormatException(path + "[" + i + "]: offset " + Integer.toUnsignedLong(raw)
                            + " does not point forward inside the file", start + 4L * i);
                }
            }
            Object e = call(v.element, t, path + "[" + i + "]", i);
            if (e instanceof Table sub) {
                table(sub, path + "[" + i + "]");
            }
        }
    }

    private void union(Table t, int[] fields, UnionField u, String path) throws ModelFormatException {
        int type = Byte.toUnsignedInt((byte) call(u.type, t, path + " type"));
        if (type == 0) {
            return;
        }
        String[] names = u.names;
        if (type >= names.length || names[type] == null || names[type].isEmpty()) {
            throw new ModelFormatException(path + ": union type " + type + " is not a known " + u.unionName,
                    position(t));
        }
        Table value;
        try {
            value = (Table) Class.forName(SCHEMA_PACKAGE + names[type]).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ModelFormatException(path + ": union type " + names[type] + " has no schema class", position(t), e);
        }
        Object filled = call(u.value, t, path, value);
        if (filled != null) {
            requireForward(t, fields, position((Table) filled), path);
            table((Table) filled, path + "(" + names[type] + ")");
        }
    }

    /**
     * Fields {@code index} (offset) and {@code index + 1} (size), both uint64: data outside the FlatBuffer, which
     * TFLite reads at file start + offset when offset > 1. Only files over 2 GiB need it, and edgert maps at most
     * 2 GiB, so it is refused rather than bounds-checked.
     */
    private void checkExternalData(Table t, int pos, int index, String path, String what) throws ModelFormatException {
        int at = rawField(t, pos, index);
        if (at != 0) {
            long offset = t.getByteBuffer().getLong(at);
            if (Long.compareUnsigned(offset, 1) > 0) {
                throw new ModelFormatException(path + ": " + what + " stored outside the FlatBuffer (offset "
                        + Long.toUnsignedString(offset) + "), used only by models over 2 GiB, which edgert does not"
                        + " load", at);
            }
        }
    }

    /** Absolute position of field {@code index} of the table at {@code pos}, or 0 when absent (vtable already checked). */
    private static int rawField(Table t, int pos, int index) {
        ByteBuffer bb = t.getByteBuffer();
        int vtable = pos - bb.getInt(pos);
        int slot = 4 + 2 * index;
        if (slot + 2 > Short.toUnsignedInt(bb.getShort(vtable))) {
            return 0;
        }
        int off = Short.toUnsignedInt(bb.getShort(vtable + slot));
        return off == 0 ? 0 : pos + off;
    }

    /**
     * FlatBuffers offsets are unsigned and point forward; Java's accessors add them as signed ints, so an offset
     * with its top bit set reads backwards inside the file in Java while C++ reads 2 GiB past it. A mutated
     * operator-code offset of 0xffffff80 crashed TFLite's GetBuiltinCode this way. {@code target} was reached
     * through one of the table's fields: that field's raw offset must be positive.
     */
    private static void requireForward(Table t, int[] fields, int target, String path) throws ModelFormatException {
        ByteBuffer bb = t.getByteBuffer();
        for (int f : fields) {
            if (f <= bb.limit() - 4) {
                int raw = bb.getInt(f);
                if (raw > 0 && f + raw == target) {
                    return;
                }
            }
        }
        throw new ModelFormatException(path + ": offset does not point forward inside the file (FlatBuffer offsets "
                + "are unsigned)", target);
    }

    private static int vectorStart(Object vector) {
        try {
            return VECTOR_START.getInt(vector);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the table's vtable and returns the absolute positions of its present fields. */
    private int[] checkVtable(Table t, int pos, String path) throws ModelFormatException {
        ByteBuffer bb = t.getByteBuffer();
        if (pos < 0 || pos > size - 4) {
            throw new ModelFormatException(path + ": table outside the file", pos);
        }
        long vtable = (long) pos - bb.getInt(pos);
        if (vtable < 0 || vtable > size - 4) {
            throw new ModelFormatException(path + ": vtable offset outside the file", pos);
        }
        int vtableSize = Short.toUnsignedInt(bb.getShort((int) vtable));
        int objectSize = Short.toUnsignedInt(bb.getShort((int) vtable + 2));
        if (vtableSize < 4 || vtableSize % 2 != 0 || vtable + vtableSize > size) {
            throw new ModelFormatException(path + ": vtable of " + vtableSize + " bytes does not fit", vtable);
        }
        if (objectSize < 4 || (long) pos + objectSize > size) {
            throw new ModelFormatException(path + ": table of " + objectSize + " bytes runs past the end of the file",
                    pos);
        }
        // Each present field must lie inside the table, as the C++ verifier requires.
        int[] fields = new int[(vtableSize - 4) / 2];
        int n = 0;
        for (int slot = 4; slot < vtableSize; slot += 2) {
            int fieldOffset = Short.toUnsignedInt(bb.getShort((int) vtable + slot));
            if (fieldOffset != 0) {
                fields[n++] = pos + fieldOffset;
            }
            if (fieldOffset != 0 && fieldOffset >= objectSize) {
                throw new ModelFormatException(path + ": field " + (slot - 4) / 2 + " at offset " + fieldOffset
                        + " lies outside its " + objectSize + "-byte table", pos);
            }
        }
        return java.util.Arrays.copyOf(fields, n);
    }

    private static int position(Table t) {
        try {
            return BB_POS.getInt(t);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object call(Method m, Object target, String path, Object... args) throws ModelFormatException {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                // IndexOutOfBoundsException, IllegalArgumentException (bad UTF-8, negative position)...
                throw new ModelFormatException(path + ": malformed FlatBuffer (" + cause + ")", -1, cause);
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private record VectorField(String name, Method length, Method element, Method vector, int elementSize) {
    }

    private record UnionField(String name, String unionName, Method type, Method value, String[] names) {
    }

    /** The accessors of one generated table class, found once by reflection. */
    private record Accessors(List<Method> scalars, List<Method> strings, List<Method> stringBytes,
                             List<Method> tables, List<VectorField> vectors, List<UnionField> unions) {
        static Accessors of(Class<?> c) {
            List<Method> scalars = new ArrayList<>();
            List<Method> strings = new ArrayList<>();
            List<Method> stringBytes = new ArrayList<>();
            List<Method> tables = new ArrayList<>();
            List<VectorField> vectors = new ArrayList<>();
            List<UnionField> unions = new ArrayList<>();
            Map<String, Method> byName = new HashMap<>();
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                    byName.put(m.getName() + "/" + m.getParameterCount() + "/"
                            + (m.getParameterCount() == 1 ? m.getParameterTypes()[0].getSimpleName() : ""), m);
                }
            }
            for (Method m : byName.values()) {
                String name = m.getName();
                if (name.startsWith("__") || name.startsWith("unpack") || name.equals("getByteBuffer")) {
                    continue;
                }
                Class<?> r = m.getReturnType();
                if (m.getParameterCount() == 0) {
                    if (name.endsWith("Length") && r == int.class
                            && byName.containsKey(name.substring(0, name.length() - 6) + "/1/int")) {
                        String field = name.substring(0, name.length() - 6);
                        Method element = byName.get(field + "/1/int");
                        Method vec = byName.get(field + "Vector/0/");
                        vectors.add(new VectorField(field, m, element, vec, elementSize(element, vec)));
                    } else if (r.isPrimitive() && !name.endsWith("Length")) {
                        scalars.add(m);
                    } else if (r == String.class && byName.containsKey(name + "AsByteBuffer/0/")) {
                        strings.add(m);
                        stringBytes.add(byName.get(name + "AsByteBuffer/0/"));
                    } else if (Table.class.isAssignableFrom(r)) {
                        tables.add(m);
                    }
                } else if (m.getParameterCount() == 1 && m.getParameterTypes()[0] == Table.class) {
                    Method type = byName.get(name + "Type/0/");
                    String unionName = UNION_TYPES.getOrDefault(name,
                            Character.toUpperCase(name.charAt(0)) + name.substring(1));
                    if (type != null) {
                        unions.add(new UnionField(name, unionName, type, m, unionNames(unionName)));
                    }
                }
            }
            // Union type bytes are read by the union check; reading them as scalars too is harmless.
            return new Accessors(scalars, strings, stringBytes, tables, vectors, unions);
        }

        private static int elementSize(Method element, Method vector) {
            if (vector == null) {
                return 4;
            }
            return switch (vector.getReturnType().getSimpleName()) {
                case "ByteVector", "BooleanVector" -> 1;
                case "ShortVector" -> 2;
                case "LongVector", "DoubleVector" -> 8;
                default -> 4; // int, float, and offsets to tables and strings
            };
        }

        private static String[] unionNames(String unionName) {
            try {
                return (String[]) Class.forName(SCHEMA_PACKAGE + unionName).getField("names").get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("schema class " + unionName + " has no names table", e);
            }
        }
    }
}
