package io.edgert.runtime.io;

import io.edgert.runtime.DataType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0 to 3.0, C order, little-endian or single-byte
 * types). Fortran-ordered, big-endian and object arrays are refused with a clear message.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Guards against absurd headers in hostile files. */
    private static final int MAX_HEADER = 1 << 16;

    private Npy() {
    }

    public static NpyArray read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), Files.size(path));
        }
    }

    /** Reads one array; {@code sizeHint} bounds the data length (use Long.MAX_VALUE if unknown). */
    public static NpyArray read(InputStream in, String what, long sizeHint) throws IOException {
        byte[] magic = readUpTo(in, 6);
        if (magic.length < 6 || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(what + ": not a .npy file (bad magic)");
        }
        int major = in.read();
        int minor = in.read();
        if (major < 1 || major > 3 || minor < 0) {
            throw new IOException(what + ": unsupported .npy version " + major + "." + minor);
        }
        byte[] lenBytes = readUpTo(in, major == 1 ? 2 : 4);
        long headerLen = 0;
        for (int i = lenBytes.length - 1; i >= 0; i--) {
            headerLen = (headerLen << 8) | (lenBytes[i] & 0xff);
        }
        if (lenBytes.length < (major == 1 ? 2 : 4) || headerLen > MAX_HEADER) {
            throw new IOException(what + ": .npy header length " + headerLen + " is invalid");
        }
        byte[] headerBytes = readUpTo(in, (int) headerLen);
        if (headerBytes.length != headerLen) {
            throw new IOException(what + ": truncated .npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IOException(what + ": .npy header has no descr or shape: " + header.trim());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw new IOException(what + ": Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        DataType type = typeOf(d.group(1), what);
        int[] shape = parseShape(s.group(1), what);
        long bytes;
        try {
            bytes = io.edgert.runtime.TensorLayout.byteSize(shape, type);
        } catch (ArithmeticException e) {
            throw new IOException(what + ": shape " + java.util.Arrays.toString(shape) + " is too large");
        }
        if (bytes > Integer.MAX_VALUE - 16 || bytes > sizeHint) {
            throw new IOException(what + ": shape " + java.util.Arrays.toString(shape) + " needs " + bytes
                    + " bytes, more than the file holds");
        }
        byte[] data = readUpTo(in, (int) bytes);
        if (data.length != bytes) {
            throw new IOException(what + ": truncated data: expected " + bytes + " bytes, got " + data.length);
        }
        return new NpyArray(shape, type, data);
    }

    /**
     * {@code InputStream.readNBytes(n)} (Java 11, not on Android): up to {@code n} bytes, fewer only at the end of the
     * stream. Grows with the data read, so a header that claims a huge array cannot force a huge allocation.
     */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] chunk = new byte[Math.min(n, 1 << 16)];
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length);
        int left = n;
        while (left > 0) {
            int r = in.read(chunk, 0, Math.min(left, chunk.length));
            if (r < 0) {
                break;
            }
            out.write(chunk, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }

    public static void write(Path path, NpyArray array) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            write(out, array);
        }
    }

    public static void write(OutputStream out, NpyArray array) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] dims = array.shape();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : (i + 1 < dims.length ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '" + descrOf(array.dataType()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // Pad so that the data starts on a 64-byte boundary, as NumPy does.
        int unpadded = 6 + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + String.join("", Collections.nCopies(pad, " ")) + "\n";
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(array.data());
    }

    private static DataType typeOf(String descr, String what) throws IOException {
        String t = descr.toLowerCase(Locale.ROOT);
        if (t.length() >= 2 && t.charAt(0) == '>' && !t.endsWith("1")) {
            throw new IOException(what + ": big-endian dtype '" + descr + "' is not supported");
        }
        String core = (t.startsWith("<") || t.startsWith("|") || t.startsWith("=") || t.startsWith(">")) ? t.substring(1) : t;
        return switch (core) {
            case "f4" -> DataType.FLOAT32;
            case "f8" -> DataType.FLOAT64;
            case "f2" -> DataType.FLOAT16;
            case "i1" -> DataType.INT8;
            case "u1" -> DataType.UINT8;
            case "i2" -> DataType.INT16;
            case "u2" -> DataType.UINT16;
            case "i4" -> DataType.INT32;
            case "u4" -> DataType.UINT32;
            case "i8" -> DataType.INT64;
            case "b1" -> DataType.BOOL;
            default -> throw new IOException(what + ": unsupported .npy dtype '" + descr + "'");
        };
    }

    private static String descrOf(DataType type) {
        return switch (type) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case FLOAT16 -> "<f2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
            case STRING -> throw new IllegalArgumentException("string tensors cannot be written as .npy");
        };
    }

    private static int[] parseShape(String s, String what) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                int v = Integer.parseInt(p);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new IOException(what + ": bad .npy shape '(" + s + ")'");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }
}
