package io.edgert.cli;

import java.io.PrintWriter;

/**
 * An optional part of {@code edgert inspect}'s report, added by an option. The hook for {@code --plan} (kernel per
 * op, arena size): a {@code PlanSection} implements this and {@link InspectCommand#sections} adds it when the option
 * is set; text goes after the model summary, JSON under {@link #key()}.
 */
interface InspectSection {
    /** The JSON field this section's data goes under ("plan"). */
    String key();

    /** JSON-ready data: maps, lists, strings, numbers. */
    Object toJson();

    void printText(PrintWriter out);
}
