package dev.lowres.data.ingest;

import dev.lowres.data.store.ShardWriter;
import java.io.Serializable;

/**
 * One shard of a build's plan: the inputs {@code from .. to-1} of a split, which become the records of the
 * shard files {@link #baseName()} in every size. Shards are the unit of work (one worker pass, one cluster
 * task) and of resumption (a finished shard is never redone).
 *
 * @param split the split's name
 * @param splitIndex the split's position in the tree's splits
 * @param index the shard's index within the split
 * @param total how many shards the split has
 * @param from the first input (index into the split's inputs)
 * @param to one past the last input
 */
public record PlannedShard(String split, int splitIndex, int index, int total, int from, int to)
        implements Serializable {
    /** The shard files' common name, e.g. {@code train-00003-of-00128}. */
    public String baseName() {
        return ShardWriter.baseName(split, index, total);
    }

    /** Inputs in the shard. */
    public int inputs() {
        return to - from;
    }
}
