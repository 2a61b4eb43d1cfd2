package io.edgert.runtime;

import io.edgert.runtime.backend.BackendSession;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.ProfileMatch;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.backend.Backends;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A model prepared on one backend, with its input and output tensors. Not thread-safe: use one session per thread.
 *
 * <pre>{@code
 * try (Model model = Model.load(path);
 *      Session session = model.newSession(Session.Options.defaults().backend("tflite").threads(2))) {
 *     session.input(0).putFloats(pixels);
 *     session.run();
 *     float[] scores = session.output(0).getFloats();
 * }
 * }</pre>
 */
public final class Session extends NativeResource {
    private final Model model;
    private final BackendSession backend;
    private final Options options;
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;

    private Session(Model model, BackendSession backend, Options options) {
        this.model = model;
        this.backend = backend;
        this.options = options;
        List<Tensor> in = new ArrayList<>();
        for (int i = 0; i < backend.inputCount(); i++) {
            in.add(new Tensor(this, true, i));
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < backend.outputCount(); i++) {
            out.add(new Tensor(this, false, i));
        }
        this.inputs = Collections.unmodifiableList(in);
        this.outputs = Collections.unmodifiableList(out);
    }

    /** Prepares {@code model} on the backend named in {@code options}. */
    public static Session create(Model model, Options options) throws EdgertException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        model.ensureOpen();
        Options effective = options.withResolvedProfile();
        return new Session(model, Backends.open(effective.backend(), model, effective), effective);
    }

    /** The device profile this session was planned with, and why it was chosen. */
    public ProfileMatch profileMatch() {
        return options.profileMatch();
    }

    public Model model() {
        return model;
    }

    public Options options() {
        return options.copy();
    }

    /** The backend actually running this session ({@code auto} resolves to a concrete one). */
    public String backendName() {
        ensureOpen();
        return backend.backendName();
    }

    public int inputCount() {
        ensureOpen();
        return inputs.size();
    }

    public int outputCount() {
        ensureOpen();
        return outputs.size();
    }

    public List<Tensor> inputs() {
        ensureOpen();
        return inputs;
    }

    public List<Tensor> outputs() {
        ensureOpen();
        return outputs;
    }

    public Tensor input(int i) {
        ensureOpen();
        Objects.checkIndex(i, inputs.size());
        return inputs.get(i);
    }

    public Tensor output(int i) {
        ensureOpen();
        Objects.checkIndex(i, outputs.size());
        return outputs.get(i);
    }

    /** The input with this tensor name. */
    public Tensor input(String name) {
        return byName(inputs(), name, "input");
    }

    /** The output with this tensor name. */
    public Tensor output(String name) {
        return byName(outputs(), name, "output");
    }

    private static Tensor byName(List<Tensor> tensors, String name, String what) {
        for (Tensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        List<String> names = tensors.stream().map(Tensor::name).collect(Collectors.toList());
        throw new IllegalArgumentException("no " + what + " named '" + name + "'; " + what + "s are " + names);
    }

    /**
     * Changes the shape of an input whose signature allows it (dimensions that are -1 in the model's
     * {@code shape_signature}, usually the batch). Buffers obtained from tensors before are invalid afterwards.
     */
    public void resizeInput(int i, int... shape) throws EdgertException {
        ensureOpen();
        Objects.checkIndex(i, inputs.size());
        Objects.requireNonNull(shape, "shape");
        int[] current = backend.input(i).shape();
        int[] signature = signatureOf(i);
        if (shape.length != current.length) {
            throw new IllegalArgumentException("input " + i + " '" + inputs.get(i).name() + "': expected rank "
                    + current.length + ", got shape " + Arrays.toString(shape));
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] <= 0) {
                throw new IllegalArgumentException("input " + i + " '" + inputs.get(i).name()
                        + "': dimensions must be positive, got " + Arrays.toString(shape));
            }
            boolean resizable = signature != null && signature[d] == -1;
            if (shape[d] != current[d] && !resizable) {
                throw new IllegalArgumentException("input " + i + " '" + inputs.get(i).name() + "': dimension " + d
                        + " is fixed at " + current[d] + " (shape signature " + Arrays.toString(signature)
                        + "), got shape " + Arrays.toString(shape));
            }
        }
        long bytes = TensorLayout.byteSize(shape, backend.input(i).dataType());
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input " + i + ": shape " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, more than 2 GiB");
        }
        if (Arrays.equals(shape, current)) {
            return;
        }
        backend.resizeInput(i, shape);
    }

    /**
     * The model's signature of an input, with the leading batch dimension treated as resizable when the file has
     * no signature: TFLite converters of TF1 models wrote none, yet their batch dimension is resizable in TFLite.
     */
    private int[] signatureOf(int i) {
        int tensorIndex = model.graph().inputs()[i];
        int[] sig = model.graph().tensor(tensorIndex).shapeSignature();
        if (sig != null) {
            return sig;
        }
        int[] shape = model.graph().tensor(tensorIndex).shape();
        if (shape.length == 0) {
            return shape;
        }
        shape[0] = -1;
        return shape;
    }

    /** Runs one inference over the current contents of the input tensors. */
    public void run() throws EdgertException {
        ensureOpen();
        backend.run();
    }

    /** Per-op times of the last run in nanoseconds (when the backend records them and timing is enabled), or null. */
    public long[] lastOpTimesNanos() {
        ensureOpen();
        return backend.lastOpTimesNanos();
    }

    /** Activation memory the backend uses for this model, or -1 when unknown. */
    public long arenaBytes() {
        ensureOpen();
        return backend.arenaBytes();
    }

    BackendSession backend() {
        ensureOpen();
        return backend;
    }

    @Override
    protected void doClose() {
        backend.close();
    }

    /** Session options. Mutable builder-style; a session keeps its own copy. */
    public static final class Options {
        private String backend = "auto";
        private Integer threads;
        private boolean opTiming;
        private String profile;
        private DeviceProfile profileObject;
        private ProfileMatch profileMatch;
        private String rounding = "tflite-ref";

        public static Options defaults() {
            return new Options();
        }

        /** {@code auto} (default), {@code tflite}, {@code tflite-ref}, {@code native}... see {@link Backends}. */
        public Options backend(String name) {
            this.backend = Objects.requireNonNull(name, "backend");
            return this;
        }

        public String backend() {
            return backend;
        }

        /**
         * Worker threads for one inference. Unset, a session takes the device profile's choice
         * ({@code choices.threads}, 0 = one per selected core), or 1 when the profile does not say.
         */
        public Options threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The threads set (or, in a session's options, resolved from its profile); 1 when unset. */
        public int threads() {
            return threads == null ? 1 : threads;
        }

        /** Whether {@link #threads(int)} was called (so the profile's choice does not apply). */
        public boolean threadsSet() {
            return threads != null;
        }

        /** Record per-op times on backends that support it (costs a little per op). */
        public Options opTiming(boolean enabled) {
            this.opTiming = enabled;
            return this;
        }

        public boolean opTiming() {
            return opTiming;
        }

        /**
         * A device profile id (built-in or in the user profile directory) or JSON file path to use instead of the
         * detected one; null to detect (see {@link Profiles}). Kernels the device cannot run are never chosen,
         * whatever the profile says.
         */
        public Options profile(String idOrPath) {
            this.profile = idOrPath;
            this.profileObject = null;
            this.profileMatch = null;
            return this;
        }

        /** A profile already loaded (tuning tries variants through these); overrides {@link #profile(String)}. */
        public Options profile(DeviceProfile p) {
            this.profileObject = Objects.requireNonNull(p, "profile");
            this.profile = null;
            this.profileMatch = null;
            return this;
        }

        public String profile() {
            return profileObject != null ? profileObject.id() : profile;
        }

        /** The profile a session resolved (null in options not yet used by a session). */
        public ProfileMatch profileMatch() {
            return profileMatch;
        }

        /**
         * A copy with the profile resolved for this device (the forced one, the given object, or the most specific
         * match) and, when threads were not set, the profile's thread count.
         */
        public Options withResolvedProfile() throws EdgertException {
            Options o = copy();
            if (o.profileMatch == null) {
                o.profileMatch = profileObject != null ? Profiles.forced(profileObject, Profiles.device(), "given")
                        : Profiles.resolve(profile, Profiles.device());
            }
            if (o.threads == null) {
                o.threads = Profiles.threads(o.profileMatch.profile(), Profiles.device());
            }
            return o;
        }

        /**
         * Requantization rounding of the {@code native} backend: {@code tflite-ref} (default: per op as TFLite's
         * builtin kernels round, so outputs are bit-exact with backend {@code tflite-ref}), {@code gemmlowp} (double
         * rounding everywhere), {@code single} (TFLITE_SINGLE_ROUNDING everywhere) or {@code fp32} (XNNPACK's float
         * requantization, close to backend {@code tflite}).
         */
        public Options rounding(String mode) {
            if (!java.util.List.of("tflite-ref", "gemmlowp", "single", "fp32").contains(mode)) {
                throw new IllegalArgumentException("rounding must be tflite-ref, gemmlowp, single or fp32, got '"
                        + mode + "'");
            }
            this.rounding = mode;
            return this;
        }

        public String rounding() {
            return rounding;
        }

        Options copy() {
            Options o = new Options();
            o.rounding = rounding;
            o.backend = backend;
            o.threads = threads;
            o.opTiming = opTiming;
            o.profile = profile;
            o.profileObject = profileObject;
            o.profileMatch = profileMatch;
            return o;
        }

        @Override
        public String toString() {
            return "backend=" + backend + ", threads=" + (threads == null ? "profile" : threads)
                    + (profile() != null ? ", profile=" + profile() : "");
        }
    }
}
