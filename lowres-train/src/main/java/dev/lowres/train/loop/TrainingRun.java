package dev.lowres.train.loop;

import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.BuildLock;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.dist.Group;
import dev.lowres.train.dist.Replicas;
import dev.lowres.train.dist.World;
import dev.lowres.train.distill.Distillation;
import dev.lowres.train.distill.Teacher;
import dev.lowres.train.engine.Autocast;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.eval.InputStats;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.prune.MagnitudePruner;
import dev.lowres.train.prune.SparsitySchedule;
import dev.lowres.train.model.InputShape;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.nn.DoReFa;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.optim.WeightAverage;
import dev.lowres.train.recipe.LearningRateSchedule;
import dev.lowres.train.recipe.PruneSchedule;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.run.Checkpoint;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.train.run.Position;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import dev.lowres.train.run.Tally;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;

/**
 * One training run: the {@code train} stage of DESIGN.md. It reads a dataset, trains the recipe's network
 * with the recipe's optimizer and per-step schedule, evaluates every {@code eval_every} epochs, and keeps
 * its run directory ({@link RunDirectory}).
 *
 * <p>A resumed run reloads the last checkpoint and continues with exactly the batches, rates and updates the
 * uninterrupted run would have made (all randomness derives from the seed and the position; CPU kernels
 * are deterministic for a given thread count), and drops metrics lines written after that checkpoint. A
 * non-finite loss stops the run at that step, keeping the last good checkpoint: a checkpoint is only written
 * from finite weights. A run that stopped before its first checkpoint starts over when run again.
 *
 * <p>With a {@link World} (data-parallel training) this process is one rank: the recipe's batch size is the
 * global batch, split evenly over the ranks, each rank reads its share of every global batch (the same images
 * a single process would read in that step, with the same augmentation), gradients are averaged over the ranks
 * ({@link Replicas}), and rank 0 alone writes the run directory. A run resumes with any world size that divides
 * its batch: the steps, batches and rates do not depend on it (batch-norm statistics are per rank, as in
 * PyTorch's DDP, so they do).
 *
 * <p>Each step runs inside one {@link PointerScope}: every tensor it makes (inputs, activations, gradients'
 * handles) is freed when the step ends, not by the garbage collector.
 */
public final class TrainingRun {
    private final RunOptions options;
    private final TrainListener listener;
    private volatile boolean stopRequested;
    private Recipe.Distill checkedSpec;
    private RunRecord.Teacher checked;

    public TrainingRun(RunOptions options, TrainListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** Asks the run to stop after the current step, with a checkpoint to resume from (Ctrl-C). */
    public void requestStop() {
        stopRequested = true;
    }

    /** What a run ended with. */
    public record Result(Path runDir, int epochs, long steps, double bestValTop1, EpochMetrics last, boolean stopped) {
    }

    /** The parts of a run the loop works with: where it writes, what it reads, and its step. */
    private record Context(RunDirectory dir, Recipe recipe, Loader train, Loader val, LearningRateSchedule schedule,
                           MetricsLog metrics, TrainStep step) {
        Model model() {
            return step.model();
        }

        Replicas replicas() {
            return step.replicas();
        }

        WeightAverage ema() {
            return step.ema();
        }

        MagnitudePruner pruner() {
            return step.pruner();
        }
    }

    public Result run() throws IOException, DatasetException {
        RunDirectory dir = new RunDirectory(options.runDir());
        Manifest manifest = dev.lowres.data.store.Dataset.open(options.data()).manifest();
        Manifest.ImageShape shape = manifest.image();
        int classes = manifest.classes().size();
        if (!options.resume()) {
            // a model that does not fit the data, or a missing teacher, fails before the run directory is written
            ModelRegistry.create(options.recipe().model(), shape.channels(), shape.height(), classes);
            Recipes.checkTeacher(options.recipe());
            teacher(options.recipe(), manifest);
            if (!options.recipe().startFrom().isBlank()) {
                startingRun(options.recipe(), manifest);
            }
        }
        Device device = options.device();
        Precision precision = options.precision().resolve(device);
        World world = options.world();
        // one process writes a run directory at a time: a second train into it fails at once, naming the first
        try (BuildLock lock = world == null || world.leader() ? BuildLock.forRun(dir.dir()) : null;
             Group group = world == null ? null : Group.connect(world)) {
            boolean resume = options.resume() && Files.exists(dir.last());
            if (group != null) {
                agreeOnResume(group, resume, dir);
            }
            Recipe recipe = prepare(dir, manifest, precision, world == null || world.leader());
            RunRecord.Teacher teacher = teacher(recipe, manifest);
            if (resume && teacher != null) {
                checkTeacherUnchanged(dir, teacher);
            }
            if (group != null) {
                group.agree(Recipes.toYaml(recipe) + "\nprecision: " + precision.id() + "\nchannels_last: "
                        + options.channelsLast() + "\nsync_bn: " + options.syncBatchNorm() + "\ndata: "
                        + contents(manifest) + "\nteacher: " + (teacher == null ? "none" : teacher.sha256()),
                        "the recipe, precision, dataset or teacher");
            }
            return run(dir, manifest, recipe, device, precision, resume, group);
        }
    }

    private Result run(RunDirectory dir, Manifest manifest, Recipe recipe, Device device, Precision precision,
                       boolean resume, Group group) throws IOException, DatasetException {
        Manifest.ImageShape shape = manifest.image();
        int classes = manifest.classes().size();
        int rank = group == null ? 0 : group.rank();
        int ranks = group == null ? 1 : group.size();
        if (recipe.batchSize() % ranks != 0) {
            throw new IllegalArgumentException("the batch size " + recipe.batchSize() + " is the global batch and must "
                    + "divide evenly over the " + ranks + " ranks (each takes batch / ranks)");
        }
        Network network = ModelRegistry.create(recipe.model(), shape.channels(), shape.height(), classes);
        LoaderConfig trainConfig = LoaderConfig.builder().data(options.data()).split(recipe.data().trainSplit())
                .batchSize(recipe.batchSize() / ranks).shard(rank, ranks).seed(recipe.seed()).dropLast(true)
                .mirrorCopies(recipe.data().mirrorCopies())
                .order(EpochOrder.parse(recipe.data().order())).augment(recipe.data().augment())
                .normalization(Normalization.parse(recipe.data().normalization()))
                .statisticsSplit(recipe.data().trainSplit()).threads(threads(recipe)).build();
        boolean validate = !"none".equals(recipe.data().valSplit())
                && manifest.splits().containsKey(recipe.data().valSplit());
        Torch.seed(recipe.seed());
        try (Loader train = Loader.open(trainConfig);
             Loader val = validate ? Loader.open(LoaderConfig.builder().data(options.data())
                     .split(recipe.data().valSplit()).shard(rank, ranks)
                     .batchSize(Math.min(256, Math.max(1, valSize(manifest, recipe) / ranks)))
                     .order(EpochOrder.SEQUENTIAL).normalization(trainConfig.normalization())
                     .statisticsSplit(recipe.data().trainSplit()).threads(threads(recipe)).build()) : null;
             Model model = startingWeights(Model.create(network, device, recipe.seed(), options.channelsLast()),
                     recipe, manifest, resume);
             MomentumSgd sgd = new MomentumSgd(recipe.optimizer(), model.trainable());
             WeightAverage ema = recipe.ema().decay() > 0 ? new WeightAverage(recipe.ema().decay(), model.params())
                     : null;
             Teacher teacher = recipe.distills() ? Teacher.open(teacher(recipe, manifest), recipe.distill(), manifest,
                     InputStats.of(train), device, precision, options.channelsLast()) : null) {
            if (rank == 0 && !Files.exists(dir.dir().resolve(InputStats.FILE))) {
                InputStats.of(train).write(dir.dir()); // what evaluation must feed the network
            }
            LearningRateSchedule schedule = new LearningRateSchedule(recipe.schedule(), recipe.batchSize(),
                    train.batchesPerEpoch(), recipe.epochs());
            Position start = Position.START;
            MetricsLog metrics = rank == 0 ? new MetricsLog(dir.metrics()) : MetricsLog.discard();
            if (resume) {
                noteWorldChange(dir, ranks, recipe.batchSize());
                start = Checkpoint.restore(dir.last(), model, sgd, ema);
                metrics.truncate(start);
                listener.note(String.format(Locale.ROOT, "resuming at epoch %d, batch %d (step %d)",
                        start.epoch(), start.batch(), start.step()));
            }
            try (Replicas replicas = group == null ? Replicas.SINGLE
                    : new Replicas.DataParallel(group, model.params(), model.trainable(), options.syncBatchNorm(),
                    options.overlap().on(device));
                 MagnitudePruner pruner = recipe.prunes() ? new MagnitudePruner(sparsity(recipe,
                         train.batchesPerEpoch()), model.params(), ema == null ? null : ema.averages(), start.step())
                         : null) {
                if (ema != null) {
                    replicas.broadcast(ema.averages(), "the weight average");
                }
                if (group != null) {
                    listener.note(String.format(Locale.ROOT, "rank %d of %d: batch %d of the global %d, %d steps per "
                            + "epoch", rank, ranks, recipe.batchSize() / ranks, recipe.batchSize(),
                            train.batchesPerEpoch()));
                }
                if (teacher != null) {
                    listener.note("distilling from " + teacher.describe() + " (" + recipe.distill().loss() + ", T "
                            + recipe.distill().temperature() + ", alpha " + recipe.distill().alpha() + ")");
                }
                TrainStep step = new TrainStep(model, sgd, precision, new SoftCrossEntropy(recipe.labelSmoothing()),
                        schedule, recipe.optimizer().momentum(), recipe.gradClipNorm(), replicas, teacher,
                        teacher == null ? null : Distillation.of(recipe.distill()), model.quantizers(recipe.quantize()),
                        ema, pruner);
                Context ctx = new Context(dir, recipe, train, val, schedule, metrics, step);
                return loop(ctx, start);
            }
        }
    }

    /**
     * What a dataset holds, without how and when it was built: its shape, classes and every shard's file digests, so
     * that copies of one dataset on several machines (or the same build made twice) agree.
     */
    private static String contents(Manifest m) {
        StringBuilder out = new StringBuilder(m.image().toString());
        m.classes().forEach(c -> out.append(' ').append(c.wnid()));
        m.splits().forEach((name, split) -> {
            out.append('\n').append(name).append(' ').append(split.count());
            split.shards().forEach(shard -> out.append(' ').append(shard.sha256() == null
                    ? shard.images() + ":" + shard.count() : new java.util.TreeMap<>(shard.sha256())));
        });
        return out.toString();
    }

    /** Says when a run resumes on another number of ranks than it started on, and what that changes. */
    private void noteWorldChange(RunDirectory dir, int ranks, int batch) throws IOException {
        Integer was = RunRecord.read(dir.runJson()).worldSize();
        int before = was == null ? 1 : was;
        if (before != ranks) {
            listener.note(String.format(Locale.ROOT, "the run started on %d rank(s) and resumes on %d: the same global "
                    + "batches of %d, steps and rates; batch-norm statistics now over %d images per rank instead of %d",
                    before, ranks, batch, batch / ranks, batch / before));
        }
    }

    /** The run's pruning schedule in steps: {@code prune.start} and {@code end} are shares of all its steps. */
    static SparsitySchedule sparsity(Recipe recipe, int batchesPerEpoch) {
        Recipe.Prune p = recipe.prune();
        if (p.schedule() == PruneSchedule.ONESHOT) {
            return SparsitySchedule.oneShot(p.amount());
        }
        long steps = (long) recipe.epochs() * batchesPerEpoch;
        long start = Math.round(p.start() * steps);
        long end = Math.round(p.end() * steps);
        long every = p.everySteps() > 0 ? p.everySteps() : Math.max(1, (end - start) / 20);
        return new SparsitySchedule(p.amount(), start, end, every);
    }

    /**
     * The run named by {@code start_from}, checked to fit: the same network and the data's classes in the same
     * order (its final weights become this run's first).
     */
    private static RunInfo startingRun(Recipe recipe, Manifest manifest) throws IOException, DatasetException {
        RunInfo from = RunInfo.load(Path.of(recipe.startFrom()));
        if (!from.recipe().model().equals(recipe.model())) {
            throw new IllegalArgumentException("start_from " + from.dir() + " trained " + from.recipe().model()
                    + ", not " + recipe.model() + ": a run starts from the weights of the same network");
        }
        if (!from.wnids().equals(manifest.classes().stream().map(c -> c.wnid()).toList())) {
            throw new IllegalArgumentException("start_from " + from.dir() + " was trained on other classes (or in "
                    + "another order) than this data's: its outputs would be the wrong classes");
        }
        from.weightsFile(RunInfo.Weights.FINAL);
        return from;
    }

    /** A fresh run with {@code start_from} gets that run's final weights; otherwise the model as initialised. */
    private static Model startingWeights(Model model, Recipe recipe, Manifest manifest, boolean resume)
            throws IOException, DatasetException {
        if (resume || recipe.startFrom().isBlank()) {
            return model;
        }
        try {
            RunInfo from = startingRun(recipe, manifest);
            model.load(TrainedModel.weights(from, RunInfo.Weights.FINAL, model.network()),
                    from.weightsFile(RunInfo.Weights.FINAL).toString());
            return model;
        } catch (IOException | DatasetException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The checked identity of a recipe's teacher (null when it does not distil), computed once per teacher: checking
     * hashes the teacher's weights.
     */
    private RunRecord.Teacher teacher(Recipe recipe, Manifest manifest) throws IOException, DatasetException {
        if (!recipe.distills()) {
            return null;
        }
        if (!recipe.distill().equals(checkedSpec)) {
            checked = Teacher.check(recipe.distill(), manifest);
            checkedSpec = recipe.distill();
        }
        return checked;
    }

    /** A resumed distillation must learn from the same teacher: its weights' digest is in run.json. */
    private static void checkTeacherUnchanged(RunDirectory dir, RunRecord.Teacher now) throws IOException {
        RunRecord.Teacher then = RunRecord.read(dir.runJson()).teacher();
        if (then != null && !then.sha256().equals(now.sha256())) {
            throw new IllegalArgumentException("the teacher's weights " + now.weights() + " changed since the run "
                    + "started (SHA-256 " + then.sha256().substring(0, 12) + "..., now " + now.sha256().substring(0, 12)
                    + "...): a resumed run must learn from the same teacher");
        }
    }

    /** Every rank resumes, or none: a rank that cannot see the checkpoint fails all of them with the reason. */
    private static void agreeOnResume(Group group, boolean resume, RunDirectory dir) {
        double[] count = {resume ? 1 : 0};
        group.sum(count, "the agreement on resuming");
        if (count[0] != 0 && count[0] != group.size()) {
            throw new IllegalArgumentException("rank " + group.rank() + (resume ? " sees " : " does not see ")
                    + dir.last() + " but " + (resume ? (int) (group.size() - count[0]) : (int) count[0])
                    + " other rank(s) " + (resume ? "do not" : "do") + ": the run directory must be on a file system "
                    + "every rank shares");
        }
    }

    private Result loop(Context ctx, Position start) throws IOException {
        Recipe recipe = ctx.recipe();
        long step = start.step();
        double best = start.bestTop1();
        EpochMetrics last = null;
        int batches = ctx.train().batchesPerEpoch();
        for (int epoch = start.epoch(); epoch < recipe.epochs(); epoch++) {
            int firstBatch = epoch == start.epoch() ? start.batch() : 0;
            listener.epochStarted(epoch, recipe.epochs(), batches, firstBatch);
            long epochStart = System.nanoTime();
            boolean resumed = epoch == start.epoch() && firstBatch > 0;
            Window total = new Window(resumed ? start.epochTally() : Tally.ZERO);
            Window window = new Window(resumed ? start.windowTally() : Tally.ZERO);
            // the lr of the last step taken: an epoch resumed after its last batch (a checkpoint there, then a kill
            // before its epoch line) writes the lr the uninterrupted run wrote, not the next step's
            double lr = ctx.schedule().at(firstBatch > 0 ? step - 1 : step);
            try (Epoch it = ctx.train().epoch(epoch, firstBatch)) {
                while (it.hasNext()) {
                    int batchIndex = it.position();
                    Batch b = it.next();
                    lr = ctx.schedule().at(step);
                    Replicas.StepAgreement r = trainStep(ctx, b, lr, step, stopRequested);
                    if (!Double.isFinite(r.loss())) {
                        diverged(ctx, epoch, batchIndex, step, lr, "the loss became " + r.loss());
                    }
                    step++;
                    int images = b.size() * ctx.replicas().size();
                    total.add(images, r.loss(), r.correct());
                    window.add(images, r.loss(), r.correct());
                    if (options.checkSyncEvery() > 0 && step % options.checkSyncEvery() == 0) {
                        ctx.replicas().checkInSync(step);
                    }
                    listener.step(epoch, batchIndex, step, r.loss(), lr, window.rate());
                    if (step % recipe.logEverySteps() == 0) {
                        ctx.metrics().append(new MetricsLog.Step(epoch, step, window.meanLoss(), lr, window.rate()));
                        window = new Window(Tally.ZERO);
                    }
                    boolean periodic = recipe.checkpointEverySteps() > 0 && step % recipe.checkpointEverySteps() == 0;
                    boolean stop = ctx.replicas().stopAfterStep(r, stopRequested);
                    if (periodic || stop) {
                        checkpoint(ctx, new Position(epoch, batchIndex + 1, step, best, total.tally(), window.tally()),
                                epoch, batchIndex, lr, ctx.dir().last());
                    }
                    if (stop) {
                        listener.note("stopped at step " + step + "; resume with --resume " + ctx.dir().dir());
                        return new Result(ctx.dir().dir(), epoch, step, best, last, true);
                    }
                }
            }
            boolean evaluate = ctx.val() != null
                    && ((epoch + 1) % recipe.evalEvery() == 0 || epoch + 1 == recipe.epochs());
            double[] v = evaluate ? evaluate(ctx) : new double[] {Double.NaN, Double.NaN, Double.NaN};
            double emaTop1 = Double.NaN;
            if (evaluate && ctx.ema() != null) {
                ctx.ema().swap();
                emaTop1 = evaluate(ctx)[1];
                ctx.ema().swap();
            }
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            last = new EpochMetrics(epoch, step, lr, total.meanLossPerImage(), total.accuracy(), v[0], v[1], v[2],
                    emaTop1, seconds, total.rate());
            ctx.metrics().append(epochLine(last));
            listener.epochFinished(last);
            if (ctx.pruner() != null) {
                listener.note(String.format(Locale.ROOT, "sparsity %.1f%% of the convolution and linear weights",
                        100 * ctx.pruner().sparsity()));
            }
            boolean improved = evaluate && v[1] > best;
            if (improved) {
                best = v[1];
            }
            Position next = new Position(epoch + 1, 0, step, best, Tally.ZERO, Tally.ZERO);
            // the best first: a kill between the two writes resumes from the older last and redoes this epoch
            Path[] files = improved ? new Path[] {ctx.dir().best(), ctx.dir().last()} : new Path[] {ctx.dir().last()};
            checkpoint(ctx, next, epoch, batches - 1, lr, files);
            if (ctx.replicas().anyStop(stopRequested, step)) {
                listener.note("stopped after epoch " + epoch + "; resume with --resume " + ctx.dir().dir());
                return new Result(ctx.dir().dir(), epoch + 1, step, best, last, true);
            }
        }
        if (ctx.replicas().leader()) {
            Checkpoint.export(ctx.dir().export(), ctx.model());
        }
        return new Result(ctx.dir().dir(), recipe.epochs(), step, best, last, false);
    }

    /** Running sums over a logging window or an epoch (continuing a checkpoint's {@link Tally}). */
    private static final class Window {
        private final long start = System.nanoTime();
        private final long startImages;
        private long images;
        private long steps;
        private double lossSum;
        private double lossPerImage;
        private long correct;

        Window(Tally from) {
            images = from.images();
            startImages = from.images();
            steps = from.steps();
            lossSum = from.lossSum();
            lossPerImage = from.lossImageSum();
            correct = from.correct();
        }

        Tally tally() {
            return new Tally(images, steps, lossSum, lossPerImage, correct);
        }

        void add(int n, double loss, long right) {
            images += n;
            steps++;
            lossSum += loss;
            lossPerImage += loss * n;
            correct += right;
        }

        /** Images per second since this process opened the window. */
        double rate() {
            return (images - startImages) / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        }

        double meanLoss() {
            return steps == 0 ? Double.NaN : lossSum / steps;
        }

        double meanLossPerImage() {
            return images == 0 ? Double.NaN : lossPerImage / images;
        }

        double accuracy() {
            return images == 0 ? Double.NaN : (double) correct / images;
        }
    }

    /** Records the error and stops; the last checkpoint (written from finite weights) stays. */
    private void diverged(Context ctx, int epoch, int batch, long step, double lr, String what) throws IOException {
        ctx.metrics().append(new MetricsLog.Error(epoch, batch, step, what + " at step " + step));
        String kept = Files.exists(ctx.dir().last())
                ? "the last good checkpoint is kept in " + ctx.dir().last()
                : "no checkpoint had been written yet; run the same command again (with a lower --lr) to start over";
        throw new TrainingDiverged(step, String.format(Locale.ROOT, "%s at step %d (epoch %d, batch %d, lr %.5g); %s",
                what, step, epoch, batch, lr, kept));
    }

    /** Writes a checkpoint to each of {@code files} in turn, from finite weights only. */
    private void checkpoint(Context ctx, Position position, int epoch, int batch, double lr, Path... files)
            throws IOException {
        Checkpoint.Snapshot snapshot = Checkpoint.snapshot(ctx.model(), ctx.step().sgd(), ctx.ema(), position);
        String bad = snapshot.firstNonFinite();
        if (bad != null) {
            diverged(ctx, epoch, batch, position.step(), lr, "the weights became non-finite (" + bad + ")");
        }
        if (ctx.replicas().leader()) {
            for (Path file : files) {
                snapshot.write(file);
            }
        }
    }

    /** The batch's tensors, then {@link TrainStep#run}. */
    private static Replicas.StepAgreement trainStep(Context ctx, Batch b, double lr, long step, boolean stop) {
        Device device = ctx.model().device();
        int n = b.size();
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.floats(b.images().asFloatBuffer(), device, ctx.model().network().input().batch(n));
            Tensor labels = Tensors.longs(b.labels().asIntBuffer(), device, n);
            Tensor target = b.hasTargets() ? Tensors.floats(b.targets().asFloatBuffer(), device, n,
                    b.targets().remaining() / 4 / n) : labels;
            return ctx.step().run(x, labels, target, lr, step, stop);
        }
    }

    /** Validation loss, top-1 and top-5 over the whole split. */
    private static double[] evaluate(Context ctx) {
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        long n = 0;
        Model model = ctx.model();
        Device device = model.device();
        InputShape image = model.network().input();
        SoftCrossEntropy loss = new SoftCrossEntropy(0);
        try (Epoch it = ctx.val().epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                int size = b.size();
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    Tensor x = Tensors.floats(b.images().asFloatBuffer(), device, image.batch(size));
                    Tensor labels = Tensors.longs(b.labels().asIntBuffer(), device, size);
                    Tensor logits;
                    try (Autocast autocast = Autocast.enter(device, ctx.step().precision());
                         DoReFa.Scope quantized = DoReFa.enter(ctx.step().quantizers())) {
                        logits = model.forward(x, false);
                    }
                    lossSum += loss.apply(logits, labels).item_double() * size;
                    int k = (int) Math.min(5, logits.size(1));
                    T_TensorTensor_T ranked = logits.topk(k, 1, true, true);
                    Tensor hit = ranked.get1().eq(labels.reshape(size, 1));
                    top1 += hit.select(1, 0).sum().item_long();
                    top5 += hit.any(1).sum().item_long();
                    n += size;
                }
            }
        }
        double[] sums = {lossSum, top1, top5, n};
        ctx.replicas().sum(sums, "the validation figures");
        return new double[] {sums[0] / sums[3], sums[1] / sums[3], sums[2] / sums[3]};
    }

    /**
     * Creates the run directory and its config, or reads them back to resume. A directory whose run never
     * wrote a checkpoint (it failed in its first steps) is started over, with its own recipe when resumed.
     */
    private Recipe prepare(RunDirectory dir, Manifest manifest, Precision precision, boolean writes)
            throws IOException, DatasetException {
        boolean started = dir.started();
        boolean hasCheckpoint = Files.exists(dir.last());
        if (options.resume()) {
            if (!started) {
                throw new IllegalArgumentException(dir.dir() + " holds no run to resume (no " + RunDirectory.CONFIG
                        + ")");
            }
            Recipe own = Recipes.fromYaml(dir.config());
            if (hasCheckpoint) {
                return own;
            }
            listener.note(dir.dir() + " has no checkpoint yet (the run stopped in its first steps): starting over");
            return writes ? fresh(dir, manifest, own, precision) : own;
        }
        if (started && (hasCheckpoint || Files.exists(dir.export()))) {
            throw new IllegalArgumentException(dir.dir() + " already holds a run; resume it with --resume or choose "
                    + "another --out");
        }
        if (!writes) {
            return options.recipe();
        }
        if (started) {
            listener.note(dir.dir() + " holds a run that stopped before its first checkpoint: starting over");
        }
        return fresh(dir, manifest, options.recipe(), precision);
    }

    /** Writes a new run's config and run.json (clearing what a run that never checkpointed left). */
    private Recipe fresh(RunDirectory dir, Manifest manifest, Recipe recipe, Precision precision)
            throws IOException, DatasetException {
        Files.createDirectories(dir.checkpoints());
        Files.deleteIfExists(dir.metrics());
        Files.deleteIfExists(dir.dir().resolve(InputStats.FILE));
        StringBuilder header = new StringBuilder("# lowres run: " + String.join(" ", options.command()) + "\n");
        header.append("# data: ").append(options.data().toAbsolutePath()).append('\n');
        header.append("# device: ").append(options.device()).append(", precision: ").append(precision.id())
                .append('\n');
        AtomicFiles.write(dir.config(), (header + Recipes.toYaml(recipe)).getBytes(StandardCharsets.UTF_8));
        Manifest.ImageShape image = manifest.image();
        new RunRecord(options.data().toAbsolutePath().normalize().toString(), options.device().toString(),
                precision.id(), options.channelsLast(), options.command(), dev.lowres.data.Version.TOOL,
                Torch.engine(), manifest.classes(), new RunRecord.Image(image.channels(), image.height(),
                image.width()), options.world() == null ? null : options.world().size(),
                teacher(recipe, manifest)).write(dir.runJson());
        return recipe;
    }

    /** The dataset a run in {@code dir} was started on (from its run.json). */
    public static Path dataOf(Path dir) throws IOException {
        return Path.of(RunRecord.read(new RunDirectory(dir).runJson()).data());
    }

    /** The loader's threads: the recipe's, else the engine's (--threads; each data-parallel rank's share). */
    private static int threads(Recipe recipe) {
        return recipe.data().threads() > 0 ? recipe.data().threads() : Math.max(1, Torch.threads());
    }

    private static int valSize(Manifest manifest, Recipe recipe) {
        return (int) Math.max(1, manifest.splits().get(recipe.data().valSplit()).count());
    }

    private static MetricsLog.Epoch epochLine(EpochMetrics m) {
        return new MetricsLog.Epoch("epoch", m.epoch(), m.step(), m.lr(), m.trainLoss(), m.trainTop1(), m.valLoss(),
                m.valTop1(), m.valTop5(), m.emaValTop1(), m.seconds(), m.imagesPerSecond());
    }
}
