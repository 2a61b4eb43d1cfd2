package io.edgert.quant.eval;

import io.edgert.quant.data.SampleSource;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;

/**
 * How closely a quantized model's output 0 follows the float model's on the same samples: SQNR in dB and top-1
 * agreement (the share of samples whose argmax matches). Inputs go in as floats, quantized by the tensor's own
 * parameters when it is int8 or uint8, so any model of the same task can be compared (the official int8 twins too).
 */
public record OutputAgreement(double sqnrDb, double top1, int samples) {
    public static OutputAgreement measure(byte[] floatModel, byte[] quantModel, SampleSource samples, String backend)
            throws EdgertException {
        Sqnr sqnr = new Sqnr();
        int agree = 0;
        Session.Options o = Session.Options.defaults().backend(backend).threads(1);
        try (Model fm = Model.load(floatModel); Model qm = Model.load(quantModel);
             Session fs = fm.newSession(o); Session qs = qm.newSession(o)) {
            for (int i = 0; i < samples.size(); i++) {
                float[] x = samples.sample(i);
                fs.input(0).putFloats(x);
                fs.run();
                qs.input(0).putFloats(x);
                qs.run();
                float[] f = fs.output(0).getFloats();
                float[] q = qs.output(0).getFloats();
                sqnr.add(f, q);
                if (Sqnr.argmax(f) == Sqnr.argmax(q)) {
                    agree++;
                }
            }
        }
        return new OutputAgreement(sqnr.db(), samples.size() == 0 ? 0 : (double) agree / samples.size(), samples.size());
    }
}
