package io.edgert.runtime.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The builtin options of an operator as named values (schema field names in snake_case, e.g. {@code stride_w},
 * {@code padding} = "SAME", {@code fused_activation_function} = "RELU6"). Values are Integer, Float, Boolean,
 * String or int[]. Backend-neutral, printable, and what the planner reads.
 */
public final class OpAttributes {
    public static final OpAttributes EMPTY = new OpAttributes(Map.of());

    private final Map<String, Object> values;

    public OpAttributes(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public int getInt(String key, int defaultValue) {
        Object v = values.get(key);
        return v instanceof Number n ? n.intValue() : defaultValue;
    }

    public float getFloat(String key, float defaultValue) {
        Object v = values.get(key);
        return v instanceof Number n ? n.floatValue() : defaultValue;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = values.get(key);
        return v instanceof Boolean b ? b : defaultValue;
    }

    public String getString(String key, String defaultValue) {
        Object v = values.get(key);
        return v instanceof String s ? s : defaultValue;
    }

    public int[] getInts(String key) {
        Object v = values.get(key);
        return v instanceof int[] a ? a.clone() : null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(v instanceof int[] a ? java.util.Arrays.toString(a) : v);
        });
        return sb.append('}').toString();
    }

    /** Mutable builder used by the reader. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        public Builder put(String key, Object value) {
            values.put(key, value);
            return this;
        }

        public OpAttributes build() {
            return values.isEmpty() ? EMPTY : new OpAttributes(values);
        }
    }
}
