package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends edgert knows, by name. {@code auto} picks the best available backend that can run the whole model
 * and logs why when it has to fall back.
 */
public final class Backends {
    public static final String AUTO = "auto";
    public static final String TFLITE = "tflite";
    public static final String TFLITE_REF = "tflite-ref";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final Map<String, Backend> REGISTRY = new LinkedHashMap<>();

    static {
        register(new TfliteBackend(TFLITE, true));
        register(new TfliteBackend(TFLITE_REF, false));
    }

    private Backends() {
    }

    /** Adds a backend (later issues register {@code native} and {@code cuda} here). */
    public static synchronized void register(Backend backend) {
        REGISTRY.put(backend.name(), backend);
    }

    /** Every registered backend name, plus {@code auto}. */
    public static synchronized List<String> names() {
        List<String> n = new ArrayList<>(REGISTRY.keySet());
        n.add(AUTO);
        return n;
    }

    /** The backend with this name; throws IllegalArgumentException naming the valid ones. */
    public static synchronized Backend get(String name) {
        Backend b = REGISTRY.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + String.join(", ", names()));
        }
        return b;
    }

    /** Registered backends that can run on this machine. */
    public static synchronized List<Backend> available() {
        return REGISTRY.values().stream().filter(Backend::isAvailable).toList();
    }

    /** Resolves a user's choice ({@code auto} included) to a concrete, available backend. */
    public static Backend resolve(String name, Model model, Session.Options options) throws EdgertException {
        if (!AUTO.equals(name)) {
            Backend b = get(name);
            if (!b.isAvailable()) {
                throw new EdgertException("backend '" + name + "' is unavailable: " + b.unavailableReason());
            }
            return b;
        }
        Backend tflite = get(TFLITE);
        if (tflite.isAvailable()) {
            LOG.log(System.Logger.Level.DEBUG, "auto: using " + TFLITE);
            return tflite;
        }
        throw new EdgertException("no backend is available: " + TFLITE + ": " + tflite.unavailableReason());
    }
}
