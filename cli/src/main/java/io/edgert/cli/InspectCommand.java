package io.edgert.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.edgert.runtime.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code edgert inspect MODEL}: inputs/outputs, ops with their parameters and MACs, weights, quantization. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describes a .tflite model: inputs/outputs, op counts, per-op parameters and MACs, weights, "
                + "quantization.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .tflite file")
    Path modelPath;

    @Option(names = "--json", description = "print one JSON document instead of text")
    boolean json;

    @Option(names = "--counts-only", description = "text output: op counts without the per-op list")
    boolean countsOnly;

    @Option(names = "--plan", description = "add the native plan: kernel per op, arena size against the sum of all "
            + "activation sizes and against TFLite's arena")
    boolean plan;

    @Option(names = {"--profile", "--device-profile"}, paramLabel = "ID|FILE",
            description = "with --plan: plan with this device profile (id or JSON file) instead of the detected one")
    String profile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.load(modelPath)) {
            ModelSummary s = new ModelSummary(model);
            List<InspectSection> extra = sections(model);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>(s.toJson());
                for (InspectSection section : extra) {
                    doc.put(section.key(), section.toJson());
                }
                Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls()
                        .serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
                out.println(gson.toJson(doc));
            } else {
                printText(s, out);
                for (InspectSection section : extra) {
                    section.printText(out);
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Optional report sections chosen by options; {@code --plan} adds its section here. */
    List<InspectSection> sections(Model model) {
        List<InspectSection> sections = new ArrayList<>();
        if (plan) {
            sections.add(PlanSection.of(model, profile));
        }
        return sections;
    }

    private void printText(ModelSummary s, PrintWriter out) {
        out.printf("Model        %s (%s bytes, schema v%d%s)%n", s.source, s.sizeBytes, s.schemaVersion,
                s.description == null || s.description.isBlank() ? "" : ", \"" + s.description + "\"");
        if (s.subgraphs > 1) {
            out.printf("Subgraphs    %d (the first one runs; this report covers it)%n", s.subgraphs);
        }
        for (String w : s.warnings) {
            out.println("Warning      " + w);
        }
        out.println("Inputs");
        s.inputs.forEach(t -> out.println("  " + tensorLine(t)));
        out.println("Outputs");
        s.outputs.forEach(t -> out.println("  " + tensorLine(t)));
        out.printf("Ops          %d: %s%n", s.ops.size(), s.opCounts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        out.printf("MACs         %s (%d)%s%n", Formats.count(s.totalMacs), s.totalMacs, s.macsByType.isEmpty() ? ""
                : ": " + s.macsByType.entrySet().stream().map(e -> e.getKey() + " " + Formats.count(e.getValue()))
                .collect(Collectors.joining(", ")));
        out.printf("Weights      %s bytes in %d constant tensors (%s)%n", s.constantBytes, s.constantTensors,
                s.constantBytesByDtype.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        out.printf("Quantization %d per-tensor, %d per-channel, %d not quantized; tensors by dtype: %s%n",
                s.perTensorQuantized, s.perChannelQuantized, s.notQuantized, s.tensorsByDtype.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        if (!countsOnly) {
            out.println("Per op (index, type, output shape, MACs, parameters)");
            for (ModelSummary.OpEntry op : s.ops) {
                out.printf("  #%-3d %-22s %-20s %10s  %s%n", op.index(), op.type(), Formats.shape(op.outputShape()),
                        op.macs() > 0 ? Formats.count(op.macs()) : "-", attributes(op.attributes()));
            }
        }
    }

    private static String tensorLine(ModelSummary.TensorEntry t) {
        return String.format("#%-4d %-28s %-8s %-18s %s", t.index(), "'" + t.name() + "'", t.dtype(),
                Formats.shape(t.shape()), t.quantization().isQuantized() ? t.quantization() : "not quantized");
    }

    private static String attributes(Map<String, Object> a) {
        if (a.isEmpty()) {
            return "";
        }
        return a.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() instanceof int[] v ? Arrays.toString(v) : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
