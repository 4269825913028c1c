package dev.lowres.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An evaluation's predictions.jsonl, parsed once: every record's label, top-5 and their probabilities. */
public record Predictions(List<Line> lines, long modified) {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                JsonNode n = JSON.readTree(s);
                JsonNode t = n.path("top5");
                JsonNode p = n.path("prob");
                int[] top5 = new int[t.size()];
                double[] prob = new double[p.size()];
                for (int i = 0; i < top5.length; i++) {
                    top5[i] = t.get(i).asInt();
                }
                for (int i = 0; i < prob.length; i++) {
                    prob[i] = p.get(i).asDouble();
                }
                JsonNode real = n.get("real_correct");
                out.add(new Line(n.path("index").asInt(), n.path("key").asText(), n.path("label").asInt(), top5, prob,
                        real == null || real.isNull() ? null : real.asBoolean()));
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
