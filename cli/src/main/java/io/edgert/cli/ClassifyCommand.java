package io.edgert.cli;

import io.edgert.quant.data.Images;
import io.edgert.quant.data.RgbImage;
import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code edgert classify MODEL IMAGE}: top-K classes of an image with an image-classification model. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classifies an image: resizes it bilinearly to the model's [1, H, W, C] input, runs the model "
                + "and prints 'rank label score' for the top K classes (scores dequantized).",
                "Pixels: uint8 inputs get 0..255 as is; int8 inputs get the range their quantization covers "
                        + "([0, 255], [0, 1] or [-1, 1]); float32 inputs get (pixel - mean) / std."})
final class ClassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .tflite file")
    Path modelPath;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "BMP, PNG, JPEG or GIF")
    Path imagePath;

    @Option(names = {"-l", "--labels"}, paramLabel = "FILE",
            description = "class names, one per line (line i = class i); without it classes print as indices")
    Path labelsPath;

    @Option(names = {"-k", "--top"}, defaultValue = "5", description = "how many classes (default: ${DEFAULT-VALUE})")
    int top;

    @Mixin
    SessionOptions sessionOptions;

    @Option(names = "--mean", description = "normalization: float = (pixel - mean) / std (float32 default 127.5)")
    Float mean;

    @Option(names = "--std", description = "normalization: see --mean (float32 default 127.5)")
    Float std;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (top < 1) {
            throw CliException.badInput("--top must be at least 1, got " + top);
        }
        Labels labels = labelsPath == null ? Labels.none() : Labels.read(labelsPath);
        RgbImage image = Images.read(imagePath);
        try (Model model = Model.load(modelPath);
             Session session = model.newSession(sessionOptions.toOptions())) {
            if (session.inputCount() != 1) {
                throw CliException.badInput("expected a model with one image input, got " + session.inputCount()
                        + " inputs");
            }
            String how = ImagePreprocessor.fill(session.input(0), image, mean, std);
            session.run();
            Tensor output = session.output(0);
            float[] scores = scores(output);
            if (!labels.isEmpty() && labels.size() != scores.length) {
                err.printf("classify: warning: %s has %d labels, the model has %d classes: names may not match%n",
                        labelsPath, labels.size(), scores.length);
                err.flush();
            }
            out.printf("# %s, %s on %s%n", imagePath.getFileName(), how, session.backendName());
            int[] best = TopK.indices(scores, top);
            for (int r = 0; r < best.length; r++) {
                out.printf(Locale.ROOT, "%d  %s  %.4f%n", r + 1, labels.name(best[r]), scores[best[r]]);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The first output as dequantized class scores; it must hold one score per class ([1, N], [N], [1,1,1,N]...). */
    private static float[] scores(Tensor output) {
        int[] shape = output.shape();
        long n = output.elementCount();
        int last = shape.length == 0 ? 1 : shape[shape.length - 1];
        boolean dequantizable = output.dataType() == DataType.FLOAT32
                || (output.dataType().isQuantizedType() && output.quantization().isPerTensor());
        if (n != last || n < 2 || !dequantizable) {
            throw CliException.badInput(InputFeeder.label(output) + ": expected class scores of shape [1, N] "
                    + "(float32 or per-tensor quantized), got " + output.dataType().label() + " " + Formats.shape(shape));
        }
        return output.getFloats();
    }
}
