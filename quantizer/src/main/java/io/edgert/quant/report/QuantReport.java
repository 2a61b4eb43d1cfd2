package io.edgert.quant.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.edgert.quant.eval.LayerSqnr;
import io.edgert.quant.eval.OutputAgreement;
import io.edgert.quant.graph.Pruner;

import java.util.List;
import java.util.Locale;

/**
 * What a quantization run did and how well it went, as text for people and JSON for tools.
 *
 * @param layers      per-activation SQNR on the held-out samples, worst first (empty without held-out samples)
 * @param output      output SQNR and top-1 agreement against the float model, or null without held-out samples
 * @param prune       pruning summary, or null when not pruned
 * @param deflatedAfter size of the int8 model after zip (deflate) compression, which is where pruned zeros pay off
 */
public record QuantReport(String source, String options, long sizeBefore, long sizeAfter, long deflatedBefore,
                          long deflatedAfter, String calibration, int calibrationSamples, boolean generatedData,
                          List<LayerSqnr.Entry> layers, OutputAgreement output, List<String> floatOps,
                          Pruner.Report prune, List<String> equalizedPairs, int biasCorrectedLayers,
                          List<String> warnings, long calibrationMillis, long totalMillis) {

    /** The same report naming its source (a file path rather than "model"). */
    public QuantReport withSource(String newSource) {
        return new QuantReport(newSource, options, sizeBefore, sizeAfter, deflatedBefore, deflatedAfter, calibration,
                calibrationSamples, generatedData, layers, output, floatOps, prune, equalizedPairs, biasCorrectedLayers,
                warnings, calibrationMillis, totalMillis);
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("quantized ").append(source).append('\n');
        b.append("  options: ").append(options).append('\n');
        b.append(String.format(Locale.ROOT, "  size: %,d -> %,d bytes (%.1f%%); deflated %,d -> %,d bytes%n", sizeBefore,
                sizeAfter, 100.0 * sizeAfter / Math.max(1, sizeBefore), deflatedBefore, deflatedAfter));
        b.append("  calibration: ").append(calibration).append(generatedData ? "  ** GENERATED DATA **" : "").append('\n');
        if (prune != null) {
            b.append(String.format(Locale.ROOT, "  pruning %s: sparsity %.1f%% (%,d of %,d weights zero)%n", prune.spec(),
                    100 * prune.sparsity(), prune.zeros(), prune.weights()));
        }
        if (!equalizedPairs.isEmpty()) {
            b.append("  cross-layer equalization: ").append(equalizedPairs.size()).append(" pairs\n");
        }
        if (biasCorrectedLayers > 0) {
            b.append("  bias correction: ").append(biasCorrectedLayers).append(" layers\n");
        }
        if (output != null) {
            b.append(String.format(Locale.ROOT, "  output vs float on %d held-out samples: SQNR %.2f dB, top-1 agreement %.1f%%%n",
                    output.samples(), output.sqnrDb(), 100 * output.top1()));
        }
        if (!layers.isEmpty()) {
            b.append("  per-layer SQNR (worst first):\n");
            for (LayerSqnr.Entry e : layers) {
                b.append(String.format(Locale.ROOT, "    %8.2f dB  %s%n", e.sqnrDb(), e.name()));
            }
        }
        b.append("  ops left in float: ").append(floatOps.isEmpty() ? "none" : "").append('\n');
        for (String f : floatOps) {
            b.append("    ").append(f).append('\n');
        }
        for (String w : warnings) {
            b.append("  warning: ").append(w).append('\n');
        }
        b.append(String.format(Locale.ROOT, "  time: %.2f s (calibration %.2f s)%n", totalMillis / 1000.0, calibrationMillis / 1000.0));
        return b.toString();
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("source", source);
        o.addProperty("options", options);
        JsonObject size = new JsonObject();
        size.addProperty("before_bytes", sizeBefore);
        size.addProperty("after_bytes", sizeAfter);
        size.addProperty("deflated_before_bytes", deflatedBefore);
        size.addProperty("deflated_after_bytes", deflatedAfter);
        o.add("size", size);
        JsonObject cal = new JsonObject();
        cal.addProperty("data", calibration);
        cal.addProperty("samples", calibrationSamples);
        cal.addProperty("generated", generatedData);
        o.add("calibration", cal);
        if (output != null) {
            JsonObject out = new JsonObject();
            out.add("sqnr_db", number(output.sqnrDb()));
            out.addProperty("top1_agreement", output.top1());
            out.addProperty("samples", output.samples());
            o.add("output", out);
        }
        JsonArray ls = new JsonArray();
        for (LayerSqnr.Entry e : layers) {
            JsonObject l = new JsonObject();
            l.addProperty("tensor", e.name());
            l.add("sqnr_db", number(e.sqnrDb()));
            ls.add(l);
        }
        o.add("layers", ls);
        JsonArray fo = new JsonArray();
        floatOps.forEach(fo::add);
        o.add("float_ops", fo);
        if (prune != null) {
            JsonObject p = new JsonObject();
            p.addProperty("spec", prune.spec().toString());
            p.addProperty("sparsity", prune.sparsity());
            p.addProperty("weights", prune.weights());
            p.addProperty("zeros", prune.zeros());
            JsonArray pl = new JsonArray();
            for (Pruner.Layer l : prune.layers()) {
                JsonObject j = new JsonObject();
                j.addProperty("layer", l.name());
                j.addProperty("sparsity", l.sparsity());
                if (!l.note().isEmpty()) {
                    j.addProperty("note", l.note());
                }
                pl.add(j);
            }
            p.add("layers", pl);
            o.add("pruning", p);
        }
        JsonArray eq = new JsonArray();
        equalizedPairs.forEach(eq::add);
        o.add("equalized_pairs", eq);
        o.addProperty("bias_corrected_layers", biasCorrectedLayers);
        JsonArray w = new JsonArray();
        warnings.forEach(w::add);
        o.add("warnings", w);
        JsonObject t = new JsonObject();
        t.addProperty("calibration_ms", calibrationMillis);
        t.addProperty("total_ms", totalMillis);
        o.add("time", t);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    /** JSON has no infinity: an exact match (infinite SQNR) is written as null. */
    private static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }
}
