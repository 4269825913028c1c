package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** When a magnitude-pruned run reaches its sparsity ({@code prune.schedule}). */
public enum PruneSchedule implements Word {
    /** The whole amount before the first step. */
    ONESHOT("oneshot"),
    /**
     * Zhu &amp; Gupta's cubic rise from {@code prune.start} to {@code prune.end} ("To prune, or not to prune",
     * 2017, eq. 1; see lowres-train's {@code prune.SparsitySchedule}).
     */
    GRADUAL("gradual");

    private final String id;

    PruneSchedule(String id) {
        this.id = id;
    }

    /** The recipe's word for it. */
    @JsonValue
    @Override
    public String id() {
        return id;
    }

    /**
     * Parses a recipe's word.
     *
     * @throws IllegalArgumentException naming the valid words
     */
    @JsonCreator
    public static PruneSchedule parse(String text) {
        return Word.parse(PruneSchedule.class, "prune.schedule", text);
    }

    @Override
    public String toString() {
        return id;
    }
}
