package io.edgert.quant;

import io.edgert.quant.eval.Yardstick;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The yardstick with each model's best configuration: edgert's int8 output SQNR against the float model and its
 * top-1 agreement must be at least the official int8 model's, on the same held-out inputs. The sweep over every
 * method is {@code Yardstick.main}.
 */
class YardstickTest {
    @Test
    void matchesOrBeatsTheOfficialInt8Models() throws Exception {
        Yardstick y = new Yardstick(SharedFiles.require(), 200, 100);
        List<Yardstick.Row> rows = new ArrayList<>();
        System.out.println(Yardstick.HEADER);
        for (Yardstick.Case c : Yardstick.CASES) {
            Yardstick.Row row = y.run(c, Yardstick.best(c), Yardstick.label(Yardstick.best(c))
);
            System.out.println(row.format());
            rows.add(row);
        }
        for (Yardstick.Row r : rows) {
            assertTrue(r.meetsTarget(), r.format());
        }
    }
}
