package dev.lowres.train.eval.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lowres.data.store.Json;
import java.util.List;

/**
 * One line of {@code predictions.jsonl}, in split order: the record, its label, the five most probable classes and
 * their probabilities (after flip TTA when it was on, before temperature scaling).
 *
 * @param realCorrect whether the multi-labels accept the top-1; absent for a record they do not label
 */
public record Prediction(int index, String key, int label, List<Integer> top5, List<Double> prob,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean realCorrect) {
    /** The file's name in an evaluation's directory. */
    public static final String FILE = "predictions.jsonl";
    private static final ObjectWriter LINE = Json.mapper().writerFor(Prediction.class)
            .without(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectReader READ = Json.mapper().readerFor(Prediction.class);

    public Prediction {
        top5 = List.copyOf(top5);
        prob = List.copyOf(prob);
    }

    /** The line's JSON, without its line break. */
    public String toLine() {
        try {
            return LINE.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a line; throws on a line that is not one (cut by a kill, say). */
    public static Prediction parse(String line) throws java.io.IOException {
        return READ.readValue(line);
    }
}
