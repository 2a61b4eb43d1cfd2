package io.edgert.cli;

import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code edgert inspect} reports about a model, computed once from its primary subgraph and printable as text
 * or JSON. Plain data: JSON is built from {@link #toJson()}'s maps and lists so field names are chosen here, not by
 * reflection over private fields.
 */
final class ModelSummary {
    record TensorEntry(int index, String name, int[] shape, String dtype, Quantization quantization) {
    }

    record OpEntry(int index, String type, int version, int[] inputs, int[] outputs, int[] outputShape,
                   Map<String, Object> attributes, long macs) {
    }

    final String source;
    final int sizeBytes;
    final String description;
    final long schemaVersion;
    final int subgraphs;
    final List<String> warnings;
    final List<TensorEntry> inputs = new ArrayList<>();
    final List<TensorEntry> outputs = new ArrayList<>();
    final List<OpEntry> ops = new ArrayList<>();
    /** Op type to count, most frequent first (ties by name). */
    final Map<String, Integer> opCounts;
    final Map<String, Long> macsByType = new TreeMap<>();
    long totalMacs;
    long constantBytes;
    int constantTensors;
    final Map<String, Long> constantBytesByDtype = new TreeMap<>();
    final Map<String, Integer> tensorsByDtype = new TreeMap<>();
    int perTensorQuantized;
    int perChannelQuantized;
    int notQuantized;

    ModelSummary(Model model) {
        Graph g = model.graph();
        source = model.source();
        sizeBytes = model.byteSize();
        description = model.description();
        schemaVersion = model.schemaVersion();
        subgraphs = model.subgraphCount();
        warnings = List.copyOf(model.warnings());
        for (int i = 0; i < model.inputCount(); i++) {
            inputs.add(entry(g.input(i)));
        }
        for (int i = 0; i < model.outputCount(); i++) {
            outputs.add(entry(g.output(i)));
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (OpInfo op : g.operators()) {
            long macs = MacCounter.macs(op, g);
            int[] outShape = op.outputCount() > 0 && op.output(0) >= 0 ? g.tensor(op.output(0)).shape() : new int[0];
            ops.add(new OpEntry(op.index(), op.type(), op.version(), op.inputs(), op.outputs(), outShape,
                    op.attributes().asMap(), macs));
            counts.merge(op.type(), 1, Integer::sum);
            if (macs > 0) {
                macsByType.merge(op.type(), macs, Long::sum);
                totalMacs += macs;
            }
        }
        opCounts = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue()
                        : a.getKey().compareTo(b.getKey()))
                .forEach(e -> opCounts.put(e.getKey(), e.getValue()));
        for (TensorInfo t : g.tensors()) {
            String dtype = t.dataType().label();
            tensorsByDtype.merge(dtype, 1, Integer::sum);
            Quantization q = t.quantization();
            if (q.isPerChannel()) {
                perChannelQuantized++;
            } else if (q.isPerTensor()) {
                perTensorQuantized++;
            } else {
                notQuantized++;
            }
            if (t.isConstant()) {
                long bytes = t.data().remaining();
                constantTensors++;
                constantBytes += bytes;
                constantBytesByDtype.merge(dtype, bytes, Long::sum);
            }
        }
    }

    private static TensorEntry entry(TensorInfo t) {
        return new TensorEntry(t.index(), t.name(), t.shape(), t.dataType().label(), t.quantization());
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", source);
        m.put("sizeBytes", sizeBytes);
        m.put("description", description);
        m.put("schemaVersion", schemaVersion);
        m.put("subgraphs", subgraphs);
        m.put("inputs", inputs.stream().map(ModelSummary::tensorJson).toList());
        m.put("outputs", outputs.stream().map(ModelSummary::tensorJson).toList());
        m.put("opCount", ops.size());
        m.put("opCounts", opCounts);
        List<Object> opList = new ArrayList<>();
        for (OpEntry op : ops) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("index", op.index());
            o.put("type", op.type());
            o.put("version", op.version());
            o.put("inputs", op.inputs());
            o.put("outputs", op.outputs());
            o.put("outputShape", op.outputShape());
            o.put("attributes", op.attributes());
            o.put("macs", op.macs());
            opList.add(o);
        }
        m.put("ops", opList);
        Map<String, Object> macs = new LinkedHashMap<>();
        macs.put("total", totalMacs);
        macs.put("byType", macsByType);
        m.put("macs", macs);
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("bytes", constantBytes);
        weights.put("tensors", constantTensors);
        weights.put("bytesByDtype", constantBytesByDtype);
        m.put("weights", weights);
        Map<String, Object> quant = new LinkedHashMap<>();
        quant.put("tensorsByDtype", tensorsByDtype);
        quant.put("perTensor", perTensorQuantized);
        quant.put("perChannel", perChannelQuantized);
        quant.put("notQuantized", notQuantized);
        m.put("quantization", quant);
        m.put("warnings", warnings);
        return m;
    }

    static Map<String, Object> tensorJson(TensorEntry t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tensor", t.index());
        m.put("name", t.name());
        m.put("shape", t.shape());
        m.put("dtype", t.dtype());
        m.put("quantization", quantJson(t.quantization()));
        return m;
    }

    static Object quantJson(Quantization q) {
        if (!q.isQuantized()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (q.isPerTensor()) {
            m.put("scale", q.scale());
            m.put("zeroPoint", q.zeroPoint());
        } else {
            m.put("axis", q.quantizedDimension());
            m.put("scales", q.scales());
            m.put("zeroPoints", q.zeroPoints());
        }
        return m;
    }
}
