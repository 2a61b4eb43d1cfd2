package io.edgert.quant.calib;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place; silent unless enabled (a console, or asked for). */
public final class ProgressBar {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean enabled;
    private int lastDrawn = -1;

    public ProgressBar(String label, int total, boolean forced) {
        this(System.err, label, total, forced || System.console() != null);
    }

    ProgressBar(PrintStream out, String label, int total, boolean enabled) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.enabled = enabled;
    }

    public void step(int done) {
        if (!enabled) {
            return;
        }
        int pct = (int) (100L * done / total);
        if (pct == lastDrawn && done != total) {
            return;
        }
        lastDrawn = pct;
        int width = 30;
        int filled = width * done / total;
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
