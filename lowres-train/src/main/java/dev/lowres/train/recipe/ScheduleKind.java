package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The learning-rate schedules ({@code schedule.kind}), see {@link LearningRateSchedule}. */
public enum ScheduleKind {
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
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ScheduleKind k : values()) {
            if (k.id.equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("schedule.kind must be "
                + Arrays.stream(values()).map(ScheduleKind::id).collect(Collectors.joining(", ")) + ": " + text);
    }

    @Override
    public String toString() {
        return id;
    }
}
