package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The distillation losses ({@code distill.loss}); the arithmetic is in lowres-train's {@code distill} package. */
public enum DistillLoss implements Word {
    /** No distillation. */
    NONE("none"),
    /**
     * Hinton, Vinyals &amp; Dean 2015, "Distilling the Knowledge in a Neural Network": {@code (1 - alpha) CE(s, y)
     * + alpha T^2 KL(softmax(t / T) || softmax(s / T))}; the T^2 keeps the soft gradients' scale as T changes.
     */
    HINTON("hinton"),
    /**
     * Yang et al. 2023, "From Knowledge Distillation to Self-Knowledge Distillation: A Unified Approach with
     * Normalized Loss and Customized Soft Labels" (NKD): {@code CE(s, y) + alpha (-t_y log s_y - gamma T^2
     * sum_{i != y} N(t^T)_i log N(s^T)_i)}, where N renormalises the non-target probabilities to sum to one.
     */
    NKD("nkd");

    private final String id;

    DistillLoss(String id) {
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
    public static DistillLoss parse(String text) {
        return Word.parse(DistillLoss.class, "distill.loss", text);
    }

    @Override
    public String toString() {
        return id;
    }
}
