package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The backends edgert knows, by name. {@code auto} picks the best available backend that can run the whole model
 * and logs why when it has to fall back.
 */
public final class Backends {
    public static final String AUTO = "auto";
    public static final String TFLITE = "tflite";
    public static final String TFLITE_REF = "tflite-ref";

    // java.util.logging, not System.Logger: Android (API 26) has no System.Logger
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static final Map<String, Backend> REGISTRY = new LinkedHashMap<>();
    /** Backends found through ServiceLoader (edgert-cuda's {@code cuda} when its jar is on the classpath). */
    private static final List<Backend> PLUGGED = new ArrayList<>();

    static {
        register(new TfliteBackend(TFLITE, true));
        register(new TfliteBackend(TFLITE_REF, false));
        register(new NativeBackend());
        try {
            for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                register(b);
                PLUGGED.add(b);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            LOG.log(Level.WARNING, "an optional backend could not be loaded: " + e);
        }
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

    private static synchronized List<Backend> plugged() {
        return List.copyOf(PLUGGED);
    }

    /** Registered backends that can run on this machine. */
    public static synchronized List<Backend> available() {
        return Collections.unmodifiableList(REGISTRY.values().stream().filter(Backend::isAvailable)
                .collect(Collectors.toList()));  // Stream.toList is not on Android
    }

    /**
     * Opens {@code model} on the backend named {@code name}. {@code auto} first offers the model to plugged-in
     * accelerator backends ({@link Backend#openIfPreferred}; unavailable ones are logged with their reason), then uses
     * {@code native} when it has a kernel for every op and otherwise TensorFlow Lite (XNNPACK), logging which ops
     * forced the fallback.
     */
    public static BackendSession open(String name, Model model, Session.Options options) throws EdgertException {
        if (!AUTO.equals(name)) {
            Backend b = get(name);
            if (!b.isAvailable()) {
                throw new EdgertException("backend '" + name + "' is unavailable: " + b.unavailableReason());
            }
            return b.open(model, options);
        }
        List<String> declined = new ArrayList<>();
        for (Backend b : plugged()) {
            if (!b.isAvailable()) {
                declined.add(b.name() + ": unavailable: " + b.unavailableReason());
                continue;
            }
            try {
                BackendSession s = b.openIfPreferred(model, options);
                if (s != null) {
                    return s;
                }
                declined.add(b.name() + ": not preferred for this model on this device");
            } catch (EdgertException | RuntimeException e) {
                // an accelerator that fails to take the model must not stop auto from running it elsewhere
                declined.add(b.name() + ": " + e.getMessage());
            }
        }
        if (!declined.isEmpty()) {
            LOG.log(Level.FINE, "auto: " + model.source() + ": " + String.join("; ", declined));
        }
        Backend nat = get(NativeBackend.NAME);
        String reason;
        if (!nat.isAvailable()) {
            reason = nat.unavailableReason();
        } else {
            java.util.Set<String> missing = NativeBackend.unsupportedOps(model);
            if (missing.isEmpty()) {
                try {
                    return nat.open(model, options);
                } catch (io.edgert.runtime.UnsupportedOpException e) {
                    reason = e.getMessage();
                }
            } else {
                reason = "no native kernel for " + String.join(", ", missing);
            }
        }
        LOG.log(Level.INFO, "auto: " + model.source() + " runs on " + TFLITE + " (" + reason + ")");
        Backend tflite = get(TFLITE);
        if (!tflite.isAvailable()) {
            throw new EdgertException("no backend can run " + model.source() + ": native: " + reason + "; "
                    + TFLITE + ": " + tflite.unavailableReason());
        }
        return tflite.open(model, options);
    }
}
