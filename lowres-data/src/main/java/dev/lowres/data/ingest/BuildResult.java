package dev.lowres.data.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a build did.
 *
 * @param datasets the dataset directories written, one per size
 * @param records records per split
 * @param skipped inputs skipped as bad
 * @param resumed inputs in shards that an earlier, interrupted run had finished
 * @param elapsed wall time
 * @param alreadyBuilt true when every dataset had been built before with the same inputs and options, so
 *                     there was nothing to do
 */
public record BuildResult(List<Path> datasets, Map<String, Long> records, long skipped, long resumed,
                          Duration elapsed, boolean alreadyBuilt) {
    public long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Inputs processed per second in this run (resumed shards excluded). */
    public double imagesPerSecond() {
        double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
        return (totalRecords() + skipped - resumed) / seconds;
    }
}
