package io.edgert.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fatbin holds, read from its container header (what {@code cuobjdump --list-elf / --list-ptx} print): a
 * 16-byte header (magic 0xBA55ED50, version, header size, payload size), then entries of kind 1 (PTX) or 2 (ELF,
 * i.e. SASS), each with its own header size, payload size and the sm architecture at byte 28.
 */
public record FatbinInfo(List<Integer> sassArchs, List<Integer> ptxArchs, long bytes) {
    public static final int MAGIC = 0xBA55ED50;

    public FatbinInfo {
        sassArchs = List.copyOf(sassArchs);
        ptxArchs = List.copyOf(ptxArchs);
    }

    /** Parses {@code data}; IllegalArgumentException when it is not a fatbin. */
    public static FatbinInfo parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 16 || b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a fatbin (no 0xBA55ED50 magic)");
        }
        int headerSize = b.getShort(6) & 0xffff;
        long payload = b.getLong(8);
        if (headerSize < 16 || headerSize + payload > data.length) {
            throw new IllegalArgumentException("fatbin header claims " + payload + " bytes, file has " + data.length);
        }
        List<Integer> sass = new ArrayList<>();
        List<Integer> ptx = new ArrayList<>();
        long off = headerSize;
        long end = headerSize + payload;
        while (off + 32 <= end) {
            int o = (int) off;
            int kind = b.getShort(o) & 0xffff;
            long entryHeader = b.getInt(o + 4) & 0xffffffffL;
            long entryPayload = b.getLong(o + 8);
            int arch = b.getInt(o + 28);
            if (entryHeader < 32 || entryPayload < 0 || off + entryHeader + entryPayload > end) {
                throw new IllegalArgumentException("fatbin entry at " + off + " runs past the end");
            }
            if (kind == 2) {
                sass.add(arch);
            } else if (kind == 1) {
                ptx.add(arch);
            }
            off += entryHeader + entryPayload;
        }
        return new FatbinInfo(sass, ptx, data.length);
    }

    /** The fatbin of this build, or null when it has none. */
    public static FatbinInfo ofThisBuild() {
        byte[] f = FatbinResource.bytes();
        return f == null ? null : parse(f);
    }

    @Override
    public String toString() {
        return "SASS " + sassArchs.stream().map(a -> "sm_" + a).toList() + ", PTX "
                + ptxArchs.stream().map(a -> "compute_" + a).toList() + ", " + bytes + " bytes";
    }
}
