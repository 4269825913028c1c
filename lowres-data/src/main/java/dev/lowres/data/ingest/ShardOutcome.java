package dev.lowres.data.ingest;

import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.SplitStatistics;
import java.util.List;

/**
 * A shard once made: its files in every size (with their digests), the pixel statistics of its records in
 * every size, and the inputs it skipped. Serializable: a cluster task sends it to the driver.
 *
 * @param shards the manifest entries, one per size of the spec, in its order
 * @param statistics the shard's statistics, one per size
 * @param skipped the inputs that did not become records, in input order
 */
public record ShardOutcome(List<Manifest.Shard> shards, List<SplitStatistics> statistics,
                           List<Manifest.Skipped> skipped) implements java.io.Serializable {
    public ShardOutcome {
        shards = List.copyOf(shards);
        statistics = List.copyOf(statistics);
        skipped = List.copyOf(skipped);
    }
}
