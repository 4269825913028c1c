package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The pruning methods a run applies while it trains ({@code prune.method}). */
public enum PruneMethod {
    /** No pruning. */
    NONE("none"),
    /** Global magnitude pruning of convolution and linear weights (unstructured: the tensors keep their shape). */
    MAGNITUDE("magnitude");

    private final String id;

    PruneMethod(String id) {
        this.id = id;
    }

    /** The recipe's word for it. */
    @JsonValue
    public String id() {
        return id;
    }

    /**
     * Parses a recipe's word.
     *
     * @throws IllegalArgumentException naming the valid words
     */
    @JsonCreator
    public static PruneMethod parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (PruneMethod k : values()) {
            if (k.id.equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("prune.method must be "
                + Arrays.stream(values()).map(PruneMethod::id).collect(Collectors.joining(", ")) + ": " + text);
    }

    @Override
    public String toString() {
        return id;
    }
}
