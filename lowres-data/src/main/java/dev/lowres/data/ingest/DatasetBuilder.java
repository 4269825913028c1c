package dev.lowres.data.ingest;

import dev.lowres.data.Concurrency;
import dev.lowres.data.store.DatasetException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds dataset directories from a JPEG tree on this machine: the {@code ingest -> store} stage.
 *
 * <p>The {@link BuildPlan} cuts the inputs into shards of {@link BuildOptions#shardSize()} in a fixed order.
 * The images of a shard are decoded once and resampled to every requested size by a pool of worker threads,
 * each with its own {@link RecordMaker}; a single writer thread writes the finished shard (all sizes) and
 * commits it to the {@link BuildSession} while the workers go on with the next one, so at most two shards
 * are held in memory. A build that is killed and started again skips the committed shards, and the
 * manifest, written last, makes the dataset. Records are independent of the thread that made them, so the
 * bytes do not depend on {@code --threads} (nor on the machines of a cluster build, which uses the same
 * plan and session).
 */
public final class DatasetBuilder {
    private final BuildOptions options;
    private final BuildListener listener;

    private DatasetBuilder(BuildOptions options, BuildListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /**
     * Builds the datasets described by {@code options}.
     *
     * @throws SourceException when the input cannot be read as a dataset source
     * @throws DatasetException when the output holds a finished dataset or another build's journal, or
     *                          another build is writing it
     * @throws IOException when the output cannot be written (e.g. a full disk); no manifest is written
     */
    public static BuildResult build(BuildOptions options, BuildListener listener)
            throws IOException, SourceException, DatasetException {
        return new DatasetBuilder(options, listener).run();
    }

    private BuildResult run() throws IOException, SourceException, DatasetException {
        long start = System.nanoTime();
        BuildPlan plan = BuildPlan.scan(options);
        listener.scanned(plan.tree());
        try (BuildSession session = BuildSession.open(plan)) {
            if (!session.alreadyBuilt()) {
                listener.started(plan.tree().totalImages(), session.resumable());
                makeShards(plan, session);
            }
            return session.finish(start);
        }
    }

    /** Makes every shard not finished before: workers decode shard k+1 while the writer writes shard k. */
    private void makeShards(BuildPlan plan, BuildSession session) throws IOException {
        RecordSpec spec = session.spec();
        int classes = plan.tree().classes().size();
        ShardRecords[] buffers = {new ShardRecords(spec, plan.largestShard()), new ShardRecords(spec, plan.largestShard())};
        List<RecordMaker> makers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), Concurrency.daemonThreads("lowres-build-"));
        ExecutorService writer = Executors.newSingleThreadExecutor(Concurrency.daemonThreads("lowres-write-"));
        try {
            for (int i = 0; i < options.threads(); i++) {
                makers.add(new RecordMaker(spec));
            }
            Future<?>[] pending = new Future<?>[2];
            int slot = 0;
            for (PlannedShard shard : plan.shards()) {
                await(pending[slot]);
                Optional<BuildSession.FinishedShard> done = session.finished(shard);
                if (done.isPresent()) {
                    pending[slot] = writer.submit(() -> {
                        session.resume(shard, done.get());
                        return null;
                    });
                } else {
                    ShardRecords records = buffers[slot];
                    makeRecords(plan, shard, records, makers, pool);
                    pending[slot] = writer.submit(() -> {
                        ShardOutcome outcome = records.write(session.directories(), shard.baseName(), "",
                                shard.inputs(), classes);
                        outcome.skipped().forEach(listener::skipped);
                        session.commit(shard, outcome);
                        return null;
                    });
                }
                slot = 1 - slot;
            }
            await(pending[0]);
            await(pending[1]);
        } finally {
            Concurrency.stop(pool);
            Concurrency.stop(writer);
            makers.forEach(RecordMaker::close);
        }
    }

    private void makeRecords(BuildPlan plan, PlannedShard shard, ShardRecords records, List<RecordMaker> makers,
                             ExecutorService pool) throws IOException {
        records.makeAll(plan.split(shard), plan.inputs(shard), makers, pool, listener::progressed);
    }

    private static void await(Future<?> future) throws IOException {
        if (future != null) {
            Concurrency.await(future, "build");
        }
    }
}
