package dev.lowres.spark;

import dev.lowres.data.ingest.PlannedShard;
import dev.lowres.data.ingest.RecordSpec;
import dev.lowres.data.ingest.ShardOutcome;
import dev.lowres.data.ingest.ShardRecords;
import dev.lowres.data.ingest.SourceImage;
import dev.lowres.data.ingest.SplitSource;
import dev.lowres.spark.fs.HadoopPaths;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Spark task needs to make one shard, sent to an executor: the record spec, the shard's inputs
 * (keys relative to the split's root, and labels), and the dataset directories of every size. Paths travel
 * as {@link HadoopPaths#location locations}: a Hadoop URI ({@code hdfs://...}), or a local path that every node
 * must see at the same place (one machine, or a file system mounted alike on every node).
 *
 * @param spec sizes, filter, decode mode and pixel limit
 * @param shard the shard in the build's plan
 * @param splitRoot the folder the keys are relative to
 * @param inputs the shard's inputs in record order
 * @param dirs the dataset directory of each size, in the spec's order
 * @param classes how many classes the dataset has
 * @param threads worker threads in the task (Spark's {@code spark.task.cpus})
 */
record ShardTask(RecordSpec spec, PlannedShard shard, String splitRoot, ArrayList<SourceImage> inputs,
                 ArrayList<String> dirs, int classes, int threads) implements Serializable {

    /** Makes the shard and writes its files under their final names plus {@code suffix}. */
    ShardOutcome make(String suffix) throws IOException {
        SplitSource split = new SplitSource(shard.split(), HadoopPaths.resolve(splitRoot), List.of());
        return ShardRecords.makeShard(spec, split, inputs, shard.baseName(), directories(), suffix, classes,
                threads);
    }

    List<Path> directories() {
        return dirs.stream().map(HadoopPaths::resolve).toList();
    }
}
