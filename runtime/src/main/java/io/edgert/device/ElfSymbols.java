package io.edgert.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Answers "does this shared library define symbol X?" by reading its ELF dynamic symbol table, without loading it.
 *
 * <p>Why: libjniedgert is linked lazily, so a JNI wrapper whose C function is not implemented yet does not fail
 * with {@link UnsatisfiedLinkError} when called: the dynamic linker kills the whole JVM ("symbol lookup error:
 * undefined symbol: edgert_cpu_features", exit 127). Checking the symbol first keeps {@code edgert info} alive on
 * a native library that predates the function.
 */
final class ElfSymbols {
    private static final int SHT_DYNSYM = 11;

    private ElfSymbols() {
    }

    /** True only when {@code lib} is a little-endian ELF64 file whose .dynsym defines {@code symbol}. */
    static boolean defines(Path lib, String symbol) {
        try (FileChannel ch = FileChannel.open(lib, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                return false;
            }
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (b.limit() < 64 || b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
                return false; // not ELF, not 64-bit, or not little-endian
            }
            long shoff = b.getLong(0x28);
            int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
            int shnum = Short.toUnsignedInt(b.getShort(0x3c));
            byte[] wanted = symbol.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < shnum; i++) {
                int sh = Math.toIntExact(shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) != SHT_DYNSYM) {
                    continue;
                }
                int symOff = Math.toIntExact(b.getLong(sh + 0x18));
                long symSize = b.getLong(sh + 0x20);
                int strSection = b.getInt(sh + 0x28);
                long entSize = b.getLong(sh + 0x38);
                int strHeader = Math.toIntExact(shoff + (long) strSection * shentsize);
                int strOff = Math.toIntExact(b.getLong(strHeader + 0x18));
                for (long s = 0; entSize > 0 && s + entSize <= symSize; s += entSize) {
                    int sym = Math.toIntExact(symOff + s);
                    int name = b.getInt(sym);
                    int shndx = Short.toUnsignedInt(b.getShort(sym + 6));
                    if (shndx != 0 && nameEquals(b, strOff + name, wanted)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean nameEquals(ByteBuffer b, int at, byte[] wanted) {
        if (at < 0 || at + wanted.length >= b.limit()) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (b.get(at + i) != wanted[i]) {
                return false;
            }
        }
        return b.get(at + wanted.length) == 0;
    }
}
