package dev.lowres.data.ingest;

import dev.lowres.data.store.EmptyClasses;
import dev.lowres.data.store.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a build did.
 *
 * @param datasets the dataset directories written, one per size
 * @param records records per split
 * @param skipped every input skipped as bad, as the manifest lists them: those of shards finished by an
 *                earlier, interrupted run included
 * @param resumed inputs in shards that an earlier, interrupted run had finished
 * @param emptyClasses the splits with classes that hold no record
 * @param elapsed wall time
 * @param alreadyBuilt true when every dataset had been built before with the same inputs and options, so
 *                     there was nothing to do
 */
public record BuildResult(List<Path> datasets, Map<String, Long> records, List<Manifest.Skipped> skipped,
                          long resumed, List<EmptyClasses> emptyClasses, Duration elapsed, boolean alreadyBuilt) {
    public BuildResult {
        datasets = List.copyOf(datasets);
        records = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(records));
        skipped = List.copyOf(skipped);
        emptyClasses = List.copyOf(emptyClasses);
    }

    public long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many inputs were skipped, over all attempts of the build. */
    public long skippedCount() {
        return skipped.size();
    }

    /** Skipped inputs by reason code, in code order. */
    public Map<String, Long> skippedByReason() {
        Map<String, Long> byReason = new TreeMap<>();
        skipped.forEach(s -> byReason.merge(s.reason(), 1L, Long::sum));
        return byReason;
    }

    /** Inputs processed per second in this run (resumed shards excluded). */
    public double imagesPerSecond() {
        double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
        return (totalRecords() + skippedCount() - resumed) / seconds;
    }
}
