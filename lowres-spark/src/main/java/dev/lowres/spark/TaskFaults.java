package dev.lowres.spark;

import dev.lowres.data.ingest.PlannedShard;
import java.io.IOException;
import java.io.Serializable;

/**
 * Faults injected into tasks, for the tests that prove a retried or speculative attempt gives the same
 * bytes: called in the executor after a task attempt wrote its files under their temporary names and
 * before it returns. The production job injects none.
 */
@FunctionalInterface
interface TaskFaults extends Serializable {
    /** No faults. */
    TaskFaults NONE = (shard, attempt) -> { };

    /** May throw to make attempt {@code attempt} (0 for the first) of {@code shard}'s task fail. */
    void afterWrite(PlannedShard shard, int attempt) throws IOException;
}
