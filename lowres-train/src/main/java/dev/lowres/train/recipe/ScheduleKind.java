package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The learning-rate schedules ({@code schedule.kind}), see {@link LearningRateSchedule}. */
public enum ScheduleKind implements Word {
    CONSTANT("constant"), STEP("step"), COSINE("cosine"), SGDR("sgdr"), ONE_CYCLE("one-cycle");

    private final String id;

    ScheduleKind(String id) {
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
    public static ScheduleKind parse(String text) {
        return Word.parse(ScheduleKind.class, "schedule.kind", text);
    }

    @Override
    public String toString() {
        return id;
    }
}
