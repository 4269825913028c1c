package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which of a teacher run's weights a distillation learns from ({@code distill.weights}): the files of a run
 * directory, as {@code lowres eval --weights} names them (without its {@code auto}: a teacher is chosen
 * explicitly, so that a resumed run can check it learns from the same file).
 */
public enum TeacherWeights implements Word {
    /** model.safetensors: the weights at the end of the teacher's training (the teacher must have finished). */
    FINAL("final"),
    /** checkpoints/best.safetensors: the teacher's epoch with the best validation top-1. */
    BEST("best"),
    /** checkpoints/last.safetensors. */
    LAST("last"),
    /** the exponential moving average kept in the teacher's last checkpoint (teachers trained with ema.decay). */
    EMA("ema");

    private final String id;

    TeacherWeights(String id) {
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
    public static TeacherWeights parse(String text) {
        return Word.parse(TeacherWeights.class, "distill.weights", text);
    }

    @Override
    public String toString() {
        return id;
    }
}
