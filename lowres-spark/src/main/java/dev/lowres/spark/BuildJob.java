package dev.lowres.spark;

import dev.lowres.data.ingest.BuildArguments;
import dev.lowres.data.ingest.BuildListener;
import dev.lowres.data.ingest.BuildOptions;
import dev.lowres.data.ingest.BuildPlan;
import dev.lowres.data.ingest.BuildResult;
import dev.lowres.data.ingest.BuildSummary;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.ingest.SourceTree;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.OutputInUseException;
import dev.lowres.spark.fs.HadoopPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowres spark-build} and the {@code spark-submit} entry point: {@code lowres build}'s options, run as
 * a Spark job ({@link SparkBuild}), with the same summary and exit codes.
 */
@Command(name = "spark-build",
        description = {"Build downsampled datasets as an Apache Spark job: one task per shard, byte for byte the "
                + "datasets of lowres build with the same options.",
            "",
            "Input and output are Hadoop URIs (hdfs://namenode:8020/ILSVRC2012, s3a://bucket/imagenet, any scheme "
                + "whose Hadoop connector is on the class path), read and written through Hadoop's client with its "
                + "configuration (HADOOP_CONF_DIR, spark.hadoop.*), or local paths that the driver and every "
                + "executor see at the same place: this machine (--master 'local[*]'), or a file system mounted "
                + "alike on every node. A killed job "
                + "resumes when run again, without redoing committed shards; a failed or speculative task attempt "
                + "writes under its own temporary names and only the attempt Spark accepts is committed.", ""},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:success", "2:bad option",
            "66:input not found", "73:output holds a dataset of other inputs, another build's journal, or another "
                + "build is writing it", "74:I/O error or a task that failed (committed shards are kept)"},
        sortOptions = false, mixinStandardHelpOptions = true)
public final class BuildJob implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "No line per committed shard.")
    boolean quiet;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[*], local[4], spark://head:7077. Default: spark-submit's, "
                    + "else local[*].")
    String master;

    @Mixin
    BuildArguments build;

    /** The command line's entry point. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new BuildJob());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            err.println("lowres spark-build: error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (parsed.originalArgs().contains("--debug") || exitCode(ex) == 1) {
                ex.printStackTrace(err);
            }
            err.flush();
            return exitCode(ex);
        });
        return cli.execute(args);
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof java.io.UncheckedIOException u) {
            return exitCode(u.getCause());
        }
        if (ex instanceof IllegalArgumentException) {
            return 2;
        }
        if (ex instanceof SourceException) {
            return 66;
        }
        if (ex instanceof OutputInUseException) {
            return 73;
        }
        if (ex instanceof DatasetException) {
            return 66;
        }
        return ex instanceof IOException ? 74 : 1;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> command = new ArrayList<>(List.of("lowres", "spark-build"));
        command.addAll(spec.commandLine().getParseResult().originalArgs());
        BuildOptions options = build.toOptions(HadoopPaths::resolve).threads(1).command(command).build();
        SparkConf conf = new SparkConf().setAppName("lowres build " + options.output().getFileName());
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        // the driver scans and plans before Spark starts: a wrong input fails at once
        BuildPlan plan = BuildPlan.scan(options);
        int taskCpus = taskCpus(conf);
        conf.set("spark.task.cpus", Integer.toString(taskCpus));
        BuildResult result;
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            spark.setLogLevel("WARN");
            out.printf(Locale.ROOT, "spark: %s, %d task slots, %d thread%s a task, Spark %s%n", spark.master(),
                    spark.defaultParallelism(), taskCpus, taskCpus == 1 ? "" : "s", spark.version());
            result = SparkBuild.build(spark, plan, taskCpus, listener(out));
        }
        BuildSummary.finished(result, build.fast()).forEach(out::println);
        return 0;
    }

    /**
     * Threads (cores) per task: Spark's {@code spark.task.cpus} when set; with a local master of N cores, N: one
     * shard at a time with every core, as {@code lowres build -j N} (with one thread a task, shards of unequal
     * size leave cores idle at the end: 16,000 photos in shards of 10,000 and 6,000 took 19.1 s against 15.2 for
     * lowres build); 1 on a cluster, where the shards outnumber the cores.
     */
    static int taskCpus(SparkConf conf) {
        if (conf.contains("spark.task.cpus")) {
            return conf.getInt("spark.task.cpus", 1);
        }
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]")
                .matcher(conf.get("spark.master"));
        if (!local.matches()) {
            return 1;
        }
        int cores = local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(local.group(1));
        return cores;
    }

    private BuildListener listener(PrintWriter out) {
        return new BuildListener() {
            private final AtomicLong done = new AtomicLong();
            private long total;
            private long startNanos;

            @Override
            public void scanned(SourceTree tree) {
                BuildSummary.scanned(tree).forEach(out::println);
                out.flush();
            }

            @Override
            public void started(long inputs, long resumed) {
                total = inputs;
                done.set(resumed);
                startNanos = System.nanoTime();
                if (resumed > 0) {
                    out.println(BuildSummary.resuming(resumed));
                }
                out.flush();
            }

            @Override
            public void progressed(long n) {
                long now = done.addAndGet(n);
                if (!quiet) {
                    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
                    out.printf(Locale.ROOT, "  shard committed: %,d of %,d inputs (%.0f%%), %.1f s%n", now, total,
                            100.0 * now / Math.max(1, total), seconds);
                    out.flush();
                }
            }
        };
    }
}
