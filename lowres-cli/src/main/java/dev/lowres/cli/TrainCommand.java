package dev.lowres.cli;

import dev.lowres.train.loop.EpochMetrics;
import dev.lowres.train.loop.RunOptions;
import dev.lowres.train.loop.TrainListener;
import dev.lowres.train.loop.TrainingDiverged;
import dev.lowres.train.loop.TrainingRun;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres train}: train a model on a dataset with a recipe, resumably. */
@Command(name = "train",
        description = {"Train a network on a dataset with a recipe; resume a run after a crash or Ctrl-C.",
            "",
            "Recipes are YAML (bundled: imagenet32-paper, goyal, cosine, sgdr, one-cycle, modern, demo, kd; or a file); "
                + "--set key=value overrides any key (schedule.lr=0.05, data.augment=paper). The run directory "
                + "gets config.yaml, metrics.jsonl, checkpoints/last and best (atomic safetensors) and "
                + "model.safetensors. Ctrl-C stops after the current step with a checkpoint; --resume continues "
                + "exactly (on CPU the loss curve equals an uninterrupted run's).", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:finished (or stopped by Ctrl-C with a checkpoint)", "2:bad option or recipe",
            "65:the loss became NaN (the step is printed; the last good checkpoint is kept)",
            "66:dataset or run not found", "69:another rank died or cannot be reached (relaunch to resume)",
            "73:another process is training into the run directory",
            "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "The dataset directory.")
    Path data;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME", description = "A model (lowres models lists them).")
    String model;

    @Option(names = {"-r", "--recipe"}, defaultValue = "imagenet32-paper", paramLabel = "NAME|FILE",
            description = "A bundled recipe or a YAML file. Default: imagenet32-paper.")
    String recipe;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "The run directory (new).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint.")
    Path resume;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the recipe's epochs.")
    Integer epochs;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "Override the recipe's batch size.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Override the recipe's learning rate.")
    Double lr;

    @Option(names = "--seed", paramLabel = "N", description = "Override the recipe's seed.")
    Long seed;

    @Option(names = "--seeds", paramLabel = "LIST",
            description = "A seed study: train once per seed (0-9, or 0,3,7), in turn, into <out>/seed-<s>; a finished "
                    + "seed is skipped and an interrupted one resumed when the command is run again.")
    String seeds;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any recipe key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--teacher", paramLabel = "RUN",
            description = "Distil from a trained run (lowres's, or a TorchScript run of lowres import-script): the "
                    + "student also learns the teacher's outputs on each batch. The recipe's distill section sets "
                    + "the loss (kd: Hinton's at T 4, alpha 0.9); a recipe without one gets Hinton's. A distilled run "
                    + "can teach in turn (teacher-assistant chains).")
    Path teacher;

    @Option(names = "--quantize", paramLabel = "dorefa:wKaK",
            description = "Quantization-aware training with DoReFa-Net's K-bit weights and activations (e.g. "
                    + "dorefa:w4a4) in every convolution but the first; evaluation computes with the same K bits.")
    String quantize;

    @Mixin
    EngineOptions engine;

    @Mixin
    DistributedOptions distributed;

    @Option(names = "--check-sync", paramLabel = "K", defaultValue = "0",
            description = "Check every K steps that all ranks hold the same weights, and stop if not (debugging). "
                    + "Default: 0 (never).")
    int checkSyncEvery;


    @Option(names = "--sync-bn",
            description = "Batch norm normalises by the statistics of the global batch (all ranks' images), as "
                    + "torch.nn.SyncBatchNorm; default: per-rank statistics, as DistributedDataParallel.")
    boolean syncBatchNorm;

    @Option(names = "--dist-overlap", paramLabel = "auto|on|off", defaultValue = "auto",
            description = "All-reduce the gradients during the backward pass (DDP's way) or after it; auto: during on "
                    + "GPUs, after on CPUs, whose cores all compute. Default: auto.")
    String overlap;

    /** Options that would change what a resumed run computes: refused with --resume. */
    private static final List<String> FIXED_ON_RESUME = List.of("--data", "--model", "--recipe", "--epochs",
            "--batch-size", "--lr", "--seed", "--seeds", "--set", "--out", "--teacher", "--quantize");

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        dev.lowres.train.dist.Overlap.parse(overlap); // a bad value fails before any rank starts
        int localRanks = distributed.localRanks();
        if (localRanks > 1) {
            return launchRanks(localRanks);
        }
        world = distributed.world(System.getenv());
        if (checkSyncEvery < 0) {
            throw new IllegalArgumentException("--check-sync must be >= 0: " + checkSyncEvery);
        }
        Device device = engine.device();
        if (world != null && device.isCuda() && !engine.device.contains(":")) {
            // one GPU per rank of a machine, as torchrun's LOCAL_RANK means it (not run yet: no GPU was at hand)
            device = Device.cuda(world.localRank() % Math.max(1, dev.lowres.train.engine.Torch.cudaDevices()));
        }
        if (resume != null) {
            for (String name : FIXED_ON_RESUME) {
                if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                    throw new IllegalArgumentException("--resume continues a run as it was configured: " + name
                            + " cannot change (safe to change: --device, --precision, --threads, --channels-last; "
                            + "start a new run with --out for anything else)");
                }
            }
            RunRecord record = RunRecord.read(new RunDirectory(resume).runJson());
            Precision precision = spec.commandLine().getParseResult().hasMatchedOption("--precision")
                    || record.precision() == null ? engine.precision() : Precision.parse(record.precision());
            boolean channelsLast = spec.commandLine().getParseResult().hasMatchedOption("--channels-last")
                    || spec.commandLine().getParseResult().hasMatchedOption("--no-channels-last")
                    || record.channelsLast() == null ? engine.channelsLast : record.channelsLast();
            return train(new RunOptions(Path.of(record.data()), resume, null, device, precision, channelsLast, true,
                    CommandLines.current(spec)));
        }
        if (data == null || this.out == null) {
            throw new IllegalArgumentException("--data and --out are required (or --resume DIR)");
        }
        List<String> all = recipeOverrides();
        if (seeds == null) {
            if (seed != null) {
                all.add("seed=" + seed);
            }
            return train(new RunOptions(data, this.out, resolve(all), device, engine.precision(),
                    engine.channelsLast, false, CommandLines.current(spec)));
        }
        if (seed != null) {
            throw new IllegalArgumentException("give --seed or --seeds, not both");
        }
        List<Long> list = parseSeeds(seeds);
        resolve(all); // a bad recipe fails before the first seed
        for (int i = 0; i < list.size(); i++) {
            long s = list.get(i);
            Path dir = this.out.resolve("seed-" + s);
            out.printf("seed %d (%d of %d)%n", s, i + 1, list.size());
            RunOptions options;
            RunDirectory runDir = new RunDirectory(dir);
            if (Files.exists(runDir.export())) {
                out.printf("  %s is finished: skipped%n", dir);
                continue;
            } else if (Files.exists(runDir.last())) {
                options = new RunOptions(data, dir, null, device, engine.precision(), engine.channelsLast, true,
                        CommandLines.current(spec));
            } else {
                if (runDir.started()) {
                    // started but killed before its first checkpoint: nothing to keep
                    dev.lowres.data.store.BuildState.deleteRecursively(dir);
                }
                List<String> withSeed = new ArrayList<>(all);
                withSeed.add("seed=" + s);
                options = new RunOptions(data, dir, resolve(withSeed), device, engine.precision(),
                        engine.channelsLast, false, CommandLines.current(spec));
            }
            int code = train(options);
            if (code != ExitCodes.OK || stopped) {
                return code;
            }
        }
        out.printf("seed study of %d runs in %s; compare them with: lowres compare %s/seed-*%n", list.size(), this.out,
                this.out);
        return ExitCodes.OK;
    }

    /** Seeds from {@code 0-9}, {@code 0,3,7} or a mix ({@code 0-2,5}). */
    static List<Long> parseSeeds(String text) {
        List<Long> seeds = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    long from = Long.parseLong(p.substring(0, dash).trim());
                    long to = Long.parseLong(p.substring(dash + 1).trim());
                    if (to < from || to - from > 1000) {
                        throw new IllegalArgumentException("--seeds range " + p + " must go up, by at most 1000 seeds");
                    }
                    for (long v = from; v <= to; v++) {
                        seeds.add(v);
                    }
                } else {
                    seeds.add(Long.parseLong(p));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seeds takes seeds like 0-9 or 0,3,7; got '" + text + "'");
            }
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("--seeds repeats a seed: " + text);
        }
        return seeds;
    }

    private volatile boolean stopped;

    /** This process's place in a data-parallel group, or null. */
    private dev.lowres.train.dist.World world;

    /** --nproc N: the same command as N ranks on this machine. */
    private int launchRanks(int n) throws Exception {
        Path dir = resume != null ? resume : this.out;
        if (dir == null || (resume == null && data == null)) {
            throw new IllegalArgumentException("--data and --out are required (or --resume DIR)");
        }
        if (resume == null && seeds == null) {
            // the ranks would each fail on a bad recipe or an uneven batch: say it once, before starting them
            Recipe r = resolve(recipeOverrides());
            if (r.batchSize() % n != 0) {
                throw new IllegalArgumentException("the batch size " + r.batchSize() + " is the global batch and must "
                        + "divide evenly over --nproc " + n + " (each rank takes batch / ranks)");
            }
        }
        return LocalRanks.launch(spec, n, engine.threads, dir.resolve("logs"));
    }

    /** The recipe keys the options override (--model, --epochs, --batch-size, --lr, then each --set). */
    private List<String> recipeOverrides() {
        List<String> all = new ArrayList<>();
        if (model != null) {
            all.add("model=" + model);
        }
        if (epochs != null) {
            all.add("epochs=" + epochs);
        }
        if (batchSize != null) {
            all.add("batch_size=" + batchSize);
        }
        if (lr != null) {
            all.add("schedule.lr=" + lr);
        }
        if (quantize != null) {
            all.add("quantize=" + quantize);
        }
        if (teacher != null) {
            all.add("distill.teacher='" + teacher.toAbsolutePath().normalize().toString().replace("'", "''") + "'");
        }
        all.addAll(overrides);
        return all;
    }

    /** The recipe with {@code overrides}; with --teacher, Hinton's loss where the recipe names none. */
    private Recipe resolve(List<String> overrides) throws java.io.IOException {
        Recipe r = Recipes.resolve(recipe, overrides);
        if (teacher != null && !r.distills()) {
            List<String> withLoss = new ArrayList<>(overrides);
            withLoss.add(0, "distill.loss=hinton");
            r = Recipes.resolve(recipe, withLoss);
        }
        Recipes.checkTeacher(r);
        return r;
    }

    private int train(RunOptions plain) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RunOptions options = world == null ? plain : plain.inWorld(world, checkSyncEvery, syncBatchNorm,
                dev.lowres.train.dist.Overlap.parse(overlap));
        if (world != null) {
            out.printf("%s%n", world);
        }
        out.printf("training on %s (%s%s) -> %s%n", options.device(), options.precision().resolve(options.device()).id(),
                options.channelsLast() ? ", channels-last" : "", options.runDir());
        out.flush();
        ProgressListener progress = new ProgressListener(out, common.quiet);
        TrainingRun run = new TrainingRun(options, progress);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.requestStop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lowres-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainingRun.Result result = run.run();
            EpochMetrics m = result.last();
            if (result.stopped()) {
                stopped = true;
                out.printf("stopped at step %d; resume with: lowres train --resume %s%n", result.steps(), result.runDir());
            } else {
                boolean validated = Double.isFinite(result.bestValTop1());
                out.printf(Locale.ROOT, "finished %d epochs (%d steps); %s%n  -> %s%n", result.epochs(),
                        result.steps(), !validated ? "no validation split"
                                : String.format(Locale.ROOT, "best val top-1 %.2f%%%s", 100 * result.bestValTop1(),
                                m == null || Double.isNaN(m.valTop1()) ? "" : String.format(Locale.ROOT,
                                        ", last %.2f%% (top-5 %.2f%%)", 100 * m.valTop1(), 100 * m.valTop5())),
                        result.runDir());
            }
            return ExitCodes.OK;
        } catch (TrainingDiverged e) {
            spec.commandLine().getErr().println("lowres train: " + e.getMessage());
            return ExitCodes.DATA;
        } catch (dev.lowres.train.dist.ReplicasDiverged e) {
            spec.commandLine().getErr().println("lowres train: " + e.getMessage());
            return ExitCodes.SOFTWARE;
        } finally {
            progress.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting (Ctrl-C): the hook is running
            }
        }
    }

    /** A bar per epoch and a summary line after it. */
    static class ProgressListener implements TrainListener, AutoCloseable {
        private final PrintWriter out;
        private final boolean quiet;
        private Progress bar;

        ProgressListener(PrintWriter out, boolean quiet) {
            this.out = out;
            this.quiet = quiet;
        }

        @Override
        public void epochStarted(int epoch, int epochs, int batches, int startBatch) {
            close();
            bar = Progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs), batches, startBatch,
                    "batch", quiet);
        }

        @Override
        public void step(int epoch, int batch, long step, double loss, double lr, double imagesPerSecond) {
            if (bar != null) {
                bar.step(1);
                bar.message(String.format(Locale.ROOT, "loss %.4f lr %.4g %.0f img/s", loss, lr, imagesPerSecond));
            }
        }

        @Override
        public void epochFinished(EpochMetrics m) {
            close();
            out.printf(Locale.ROOT, "epoch %d: train loss %.4f top-1 %.2f%%%s | %.1f s, %.0f img/s, lr %.4g%n",
                    m.epoch() + 1, m.trainLoss(), 100 * m.trainTop1(), Double.isNaN(m.valTop1()) ? ""
                            : String.format(Locale.ROOT, " | val loss %.4f top-1 %.2f%% top-5 %.2f%%%s", m.valLoss(),
                            100 * m.valTop1(), 100 * m.valTop5(), Double.isNaN(m.emaValTop1()) ? ""
                                    : String.format(Locale.ROOT, " (EMA %.2f%%)", 100 * m.emaValTop1())),
                    m.seconds(), m.imagesPerSecond(), m.lr());
            out.flush();
        }

        @Override
        public void note(String message) {
            out.println(message);
            out.flush();
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
