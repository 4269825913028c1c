package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The pruning methods a run applies while it trains ({@code prune.method}). */
public enum PruneMethod implements Word {
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
        return Word.parse(PruneMethod.class, "prune.method", text);
    }

    @Override
    public String toString() {
        return id;
    }
}
