package io.edgert.runtime.backend;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.UnsupportedOpException;
import io.edgert.runtime.model.OpInfo;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.OpResolver;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

import java.util.HashSet;
import java.util.Set;

/**
 * Runs whole models in TensorFlow Lite 2.20 through the JavaCPP preset. {@code tflite} uses TFLite's default
 * delegate (XNNPACK); {@code tflite-ref} uses only TFLite's builtin kernels.
 */
final class TfliteBackend implements Backend {
    private static volatile String loadError;
    private static volatile boolean loaded;

    private final String name;
    private final boolean xnnpack;

    TfliteBackend(String name, boolean xnnpack) {
        this.name = name;
        this.xnnpack = xnnpack;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return ensureLoaded() ? null : loadError;
    }

    /** Loads the TFLite JNI library once and lowers its log level so its INFO banner stays off stderr. */
    static synchronized boolean ensureLoaded() {
        if (loaded) {
            return true;
        }
        if (loadError != null) {
            return false;
        }
        try {
            String path = Loader.load(tensorflowlite.class);
            TfliteLogging.silenceInfo(path);
            loaded = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            loadError = "TensorFlow Lite native library did not load: " + e.getMessage();
        }
        return loaded;
    }

    @Override
    public BackendSession open(Model model, Session.Options options) throws EdgertException {
        if (!ensureLoaded()) {
            throw new EdgertException("backend '" + name + "' is unavailable: " + loadError);
        }
        OpResolver resolver = xnnpack ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
        try {
            checkOpsRegistered(model, resolver);
            return TfliteSession.create(name, model, resolver, options.threads());
        } catch (EdgertException | RuntimeException e) {
            resolver.close();
            throw e;
        }
    }

    /** TFLite reports unresolved ops on stderr only; check in Java first so the error names the op. */
    private void checkOpsRegistered(Model model, OpResolver resolver) throws UnsupportedOpException {
        Set<String> checked = new HashSet<>();
        for (int s = 0; s < model.subgraphCount(); s++) {
            for (OpInfo op : model.subgraph(s).operators()) {
                String key = op.type() + "/" + op.version();
                if (!checked.add(key)) {
                    continue;
                }
                boolean found = op.isCustom()
                        ? !isNull(resolver.FindOp(op.customCode(), op.version()))
                        : !isNull(resolver.FindOp(op.builtinCode(), op.version()));
                if (!found) {
                    throw new UnsupportedOpException(op.type(), "backend '" + name + "': "
                            + (op.isCustom() ? "custom operator '" : "operator '") + op.type() + "' (version "
                            + op.version() + ", op #" + op.index() + ") is not registered in TensorFlow Lite");
                }
            }
        }
    }

    private static boolean isNull(org.bytedeco.javacpp.Pointer p) {
        return p == null || p.isNull();
    }
}
