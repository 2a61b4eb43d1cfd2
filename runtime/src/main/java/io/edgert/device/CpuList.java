package io.edgert.device;

import java.util.ArrayList;
import java.util.List;

/** Linux CPU list syntax ({@code "0-3,6"}), both ways. */
final class CpuList {
    private CpuList() {
    }

    static List<Integer> parse(String text) {
        List<Integer> r = new ArrayList<>();
        if (text == null) {
            return r;
        }
        for (String part : text.trim().split(",")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            String[] range = part.trim().split("-");
            int lo = CpuInfoParser.parseInt(range[0]);
            int hi = range.length > 1 ? CpuInfoParser.parseInt(range[1]) : lo;
            if (lo < 0 || hi < lo) {
                return new ArrayList<>();
            }
            for (int c = lo; c <= hi; c++) {
                r.add(c);
            }
        }
        return r;
    }

    static String format(List<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < cpus.size()) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(cpus.get(i));
            if (j > i) {
                sb.append('-').append(cpus.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
