package dev.lowres.train.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedules' closed choice, one-cycle's momentum and Goyal et al.'s warm-up. */
class ScheduleTest {
    @Test
    void anUnknownKindListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipes.resolve("imagenet32-paper", List.of("schedule.kind=exponential")));
        assertTrue(e.getMessage().contains("schedule.kind must be constant, step, cosine, sgdr, one-cycle"),
                e.getMessage());
    }

    @Test
    void oneCycleMovesTheMomentumAgainstTheRate() throws Exception {
        Recipe r = Recipes.resolve("one-cycle", List.of());
        assertEquals(ScheduleKind.ONE_CYCLE, r.schedule().kind());
        LearningRateSchedule s = new LearningRateSchedule(r.schedule(), r.batchSize(), 100, 10);
        long peak = Math.round(0.3 * 1000);
        assertEquals(0.95, s.momentumAt(0, 0.9), 1e-9);
        assertEquals(0.85, s.momentumAt(peak, 0.9), 1e-9, "lowest at the rate's peak");
        assertEquals(0.95, s.momentumAt(999, 0.9), 1e-4);
        assertTrue(s.at(peak) > s.at(0) && s.at(peak) > s.at(999));
        LearningRateSchedule step = new LearningRateSchedule(Recipes.resolve("imagenet32-paper", List.of()).schedule(),
                128, 100, 40);
        assertEquals(0.9, step.momentumAt(50, 0.9), "other schedules keep the recipe's momentum");
    }

    @Test
    void goyalWarmsUpFromTheBaseRateToTheScaledOne() throws Exception {
        Recipe r = Recipes.resolve("goyal", List.of("batch_size=1024"));
        LearningRateSchedule s = new LearningRateSchedule(r.schedule(), r.batchSize(), 100, r.epochs());
        assertEquals(0.1, s.at(0), 1e-12, "Goyal et al.: start at the reference batch's rate");
        assertEquals(0.4, s.peak(), 1e-12, "0.1 x 1024 / 256");
        assertEquals(0.4, s.at(500), 1e-12, "after the 5 warm-up epochs");
        assertEquals(0.25, s.at(250), 1e-12, "half-way");
    }
}
