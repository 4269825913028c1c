package dev.lowres.web.pages;

import dev.lowres.train.eval.result.Prediction;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An evaluation's predictions.jsonl, parsed once: every record's label, top-5 and their probabilities. */
public record Predictions(List<Line> lines, long modified) {
    /**
     * One record.
     *
     * @param realCorrect whether the ReaL (or other multi-) labels accept its top-1; null where none were given
     */
    public record Line(int index, String key, int label, int[] top5, double[] prob, Boolean realCorrect) {
        public int predicted() {
            return top5.length == 0 ? -1 : top5[0];
        }

        public boolean wrong() {
            return predicted() != label;
        }

        public double confidence() {
            return prob.length == 0 ? Double.NaN : prob[0];
        }
    }

    public static Predictions read(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            while ((s = r.readLine()) != null) {
                if (s.isBlank()) {
                    continue;
                }
                Prediction n = Prediction.parse(s);
                out.add(new Line(n.index(), n.key(), n.label(), n.top5().stream().mapToInt(Integer::intValue).toArray(),
                        n.prob().stream().mapToDouble(Double::doubleValue).toArray(), n.realCorrect()));
            }
        }
        return new Predictions(List.copyOf(out), Files.getLastModifiedTime(file).toMillis());
    }

    /** Records per (true, predicted) pair over {@code classes} classes. */
    public long[][] confusion(int classes) {
        long[][] m = new long[classes][classes];
        for (Line l : lines) {
            if (l.label() >= 0 && l.label() < classes && l.predicted() >= 0 && l.predicted() < classes) {
                m[l.label()][l.predicted()]++;
            }
        }
        return m;
    }
}
