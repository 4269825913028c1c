package dev.lowres.spark;

import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildPlan;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.BuildSession;
import dev.lowres.data.ingest.PlannedShard;
import dev.lowres.data.ingest.ShardOutcome;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.ShardWriter;
import dev.lowres.spark.fs.HadoopPaths;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * {@code lowres build} as a Spark job, with the same bytes. The driver scans the input and plans the shards
 * exactly as a local build ({@link BuildPlan}), opens the same {@link BuildSession} (locks, journals,
 * resumption), and runs one task per shard still to make. A task decodes and resamples its shard for
 * every size and writes the files under names of its own attempt ({@code <file>.attempt-<id>.tmp}); as
 * each task succeeds the driver renames that attempt's files to their final names and records the shard in
 * the journal, so a killed job loses at most the shards in flight, and a rerun makes only those. A retried
 * or speculative attempt writes the same bytes under other temporary names, and only the attempt that Spark
 * reports as the task's result is committed. The statistics are summed from the tasks' exact integer sums;
 * the manifest, written last, is the same as a local build's.
 */
public final class SparkBuild {
    /** The temporary-name suffix of a task attempt's files. */
    static String attemptSuffix(long taskAttemptId) {
        return ".attempt-" + taskAttemptId + ".tmp";
    }

    private SparkBuild() {
    }

    /**
     * Builds the datasets of {@code plan} on {@code spark}; each task makes its shard with
     * {@code threadsPerTask} threads (Spark's {@code spark.task.cpus}); {@code plan.options().threads()} is
     * not used.
     */
    public static BuildResult build(JavaSparkContext spark, BuildPlan plan, int threadsPerTask,
                                    BuildListener listener) throws IOException, DatasetException {
        return build(spark, plan, threadsPerTask, listener, TaskFaults.NONE);
    }

    static BuildResult build(JavaSparkContext spark, BuildPlan plan, int threadsPerTask, BuildListener listener,
                             TaskFaults faults) throws IOException, DatasetException {
        long start = System.nanoTime();
        listener.scanned(plan.tree());
        try (BuildSession session = BuildSession.open(plan)) {
            if (!session.alreadyBuilt()) {
                listener.started(plan.tree().totalImages(), session.resumable());
                List<ShardTask> tasks = new ArrayList<>();
                for (PlannedShard shard : plan.shards()) {
                    Optional<BuildSession.FinishedShard> done = session.finished(shard);
                    if (done.isPresent()) {
                        session.resume(shard, done.get());
                    } else {
                        tasks.add(task(plan, session, shard, threadsPerTask));
                    }
                }
                if (!tasks.isEmpty()) {
                    runTasks(spark, tasks, session, listener, faults);
                }
                removeAttemptFiles(session.directories());
            }
            return session.finish(start);
        }
    }

    private static ShardTask task(BuildPlan plan, BuildSession session, PlannedShard shard, int threads) {
        return new ShardTask(session.spec(), shard, HadoopPaths.location(plan.split(shard).root()),
                new ArrayList<>(plan.inputs(shard)),
                new ArrayList<>(session.directories().stream().map(HadoopPaths::location).toList()),
                plan.tree().classes().size(), threads);
    }

    /** What a task sends back: its shard, the suffix its files were written under, and the outcome. */
    record TaskResult(PlannedShard shard, String suffix, ShardOutcome outcome) implements Serializable {
    }

    /** Runs in an executor: makes the one shard of its partition. */
    private static final class MakeShard
            extends AbstractFunction2<TaskContext, scala.collection.Iterator<ShardTask>, TaskResult>
            implements Serializable {
        private final TaskFaults faults;

        MakeShard(TaskFaults faults) {
            this.faults = faults;
        }

        @Override
        public TaskResult apply(TaskContext context, scala.collection.Iterator<ShardTask> partition) {
            ShardTask task = partition.next();
            String suffix = attemptSuffix(context.taskAttemptId());
            try {
                ShardOutcome outcome = task.make(suffix);
                faults.afterWrite(task.shard(), context.attemptNumber());
                return new TaskResult(task.shard(), suffix, outcome);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("shard " + task.shard().baseName() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Runs in the driver as each task succeeds: commits its shard. */
    private static final class Commit extends AbstractFunction2<Object, TaskResult, BoxedUnit> {
        private final BuildSession session;
        private final List<Path> dirs;
        private final BuildListener listener;

        Commit(BuildSession session, BuildListener listener) {
            this.session = session;
            this.dirs = session.directories();
            this.listener = listener;
        }

        @Override
        public BoxedUnit apply(Object partition, TaskResult result) {
            try {
                for (int t = 0; t < dirs.size(); t++) {
                    ShardWriter.commit(dirs.get(t), result.outcome().shards().get(t), result.suffix());
                }
                session.commit(result.shard(), result.outcome());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot commit shard " + result.shard().baseName()
                        + ": " + e.getMessage(), e);
            }
            result.outcome().skipped().forEach(listener::skipped);
            listener.progressed(result.shard().inputs());
            return BoxedUnit.UNIT;
        }
    }

    private static void runTasks(JavaSparkContext spark, List<ShardTask> tasks, BuildSession session,
                                 BuildListener listener, TaskFaults faults) throws IOException {
        JavaRDD<ShardTask> rdd = spark.parallelize(tasks, tasks.size());
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            partitions.add(i);
        }
        spark.setJobDescription("lowres build: " + tasks.size() + " shards");
        try {
            spark.sc().runJob(rdd.rdd(), new MakeShard(faults),
                    scala.jdk.javaapi.CollectionConverters.asScala(partitions).toSeq(),
                    new Commit(session, listener), ClassTag$.MODULE$.apply(TaskResult.class));
        } catch (Exception e) { // Scala's runJob throws SparkException, a checked exception Java cannot see
            throw failure(e);
        }
    }

    /**
     * The cause a user can act on: a task's (or the commit's) I/O error, or the failure Spark reports; the
     * committed shards are kept either way.
     */
    private static IOException failure(Exception e) {
        String resume = "; the committed shards are kept: run the same command again to resume";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.UncheckedIOException u) {
                return new IOException(u.getMessage() + resume, e);
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new IOException("the Spark job failed: " + message + resume, e);
    }

    /** Removes the files of attempts that were not committed (failed, killed or speculative losers). */
    private static void removeAttemptFiles(List<Path> dirs) throws IOException {
        for (Path dir : dirs) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.attempt-*.tmp")) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
