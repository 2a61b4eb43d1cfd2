package io.edgert.quant.graph;

/**
 * Magnitude pruning applied to conv, depthwise and fully connected weights before quantization:
 * either unstructured to a target sparsity per layer, or N:M structured (2:4: in every group of 4 consecutive
 * weights along the input-channel axis, the 2 smallest are zeroed, the pattern sparse tensor cores accelerate).
 */
public record PruneSpec(double sparsity, int keepN, int groupM) {
    public PruneSpec {
        if (groupM == 0 && !(sparsity > 0 && sparsity < 1)) {
            throw new IllegalArgumentException("expected a sparsity in (0, 1), got " + sparsity);
        }
        if (groupM != 0 && (keepN <= 0 || keepN >= groupM)) {
            throw new IllegalArgumentException("expected N:M with 0 < N < M, got " + keepN + ":" + groupM);
        }
    }

    public static PruneSpec unstructured(double sparsity) {
        return new PruneSpec(sparsity, 0, 0);
    }

    public boolean structured() {
        return groupM != 0;
    }

    /** Parses {@code 0.5} (unstructured sparsity) or {@code 2:4} (structured, N kept out of every M). */
    public static PruneSpec parse(String s) {
        String t = s.trim();
        try {
            if (t.contains(":")) {
                String[] p = t.split(":");
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                return new PruneSpec(0, Integer.parseInt(p[0]), Integer.parseInt(p[1]));
            }
            return unstructured(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a prune spec like 0.5 (sparsity) or 2:4 (N:M), got '" + s + "'");
        }
    }

    @Override
    public String toString() {
        return structured() ? keepN + ":" + groupM : "unstructured " + sparsity;
    }
}
