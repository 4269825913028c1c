package dev.lowres.train.loop;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.eval.InputStats;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.optim.WeightAverage;
import dev.lowres.train.recipe.LearningRateSchedule;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One training run: the {@code train} stage of DESIGN.md. It reads a dataset, trains the recipe's network
 * with the recipe's optimizer and per-step schedule, evaluates every {@code eval_every} epochs, and keeps
 * its run directory:
 * <pre>
 * config.yaml               the resolved recipe (and the command, data and devices as comments)
 * metrics.jsonl             {"type": "step", ...} every log_every_steps steps, {"type": "epoch", ...} per epoch
 * checkpoints/last.safetensors, best.safetensors
 *                           weights with batch-norm statistics, momentum buffers, the weight average, and the
 *                           position (epoch, batch, step) in the metadata; written atomically
 * model.safetensors         the final weights (PyTorch reads them)
 * </pre>
 * A resumed run reloads the last checkpoint and continues with exactly the batches, rates and updates the
 * uninterrupted run would have made (all randomness derives from the seed and the position; CPU kernels
 * are deterministic for a given thread count), and drops metrics lines written after that checkpoint. A
 * non-finite loss stops the run with the step, keeping the last good checkpoint.
 */
public final class TrainingRun {
    public static final String CONFIG = "config.yaml";
    public static final String METRICS = "metrics.jsonl";
    public static final String LAST = "checkpoints/last.safetensors";
    public static final String BEST = "checkpoints/best.safetensors";
    public static final String EXPORT = "model.safetensors";
    /** Where the run's data and devices are recorded, for {@code --resume}. */
    public static final String RUN = "run.json";
    private static final String FORMAT = "lowres-checkpoint/1";

    private final RunOptions options;
    private final TrainListener listener;
    private volatile boolean stopRequested;

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

    public Result run() throws IOException, DatasetException {
        Path dir = options.runDir();
        Manifest manifest = dev.lowres.data.store.Dataset.open(options.data()).manifest();
        if (!options.resume()) {
            // a model that does not fit the data fails before the run directory is written
            ModelRegistry.create(options.recipe().model(), manifest.image().channels(), manifest.image().height(),
                    manifest.classes().size());
        }
        Recipe recipe = prepare(dir, manifest);
        Manifest.ImageShape shape = manifest.image();
        int classes = manifest.classes().size();
        Network network = ModelRegistry.create(recipe.model(), shape.channels(), shape.height(), classes);
        List<Device> devices = options.devices();
        int perDevice = recipe.batchSize() / devices.size();
        if (perDevice * devices.size() != recipe.batchSize()) {
            throw new IllegalArgumentException("batch size " + recipe.batchSize() + " does not split evenly over "
                    + devices.size() + " devices");
        }
        LoaderConfig trainConfig = LoaderConfig.builder().data(options.data()).split(recipe.data().trainSplit())
                .batchSize(recipe.batchSize()).seed(recipe.seed()).dropLast(true)
                .order(EpochOrder.parse(recipe.data().order())).augment(recipe.data().augment())
                .normalization(Normalization.parse(recipe.data().normalization()))
                .statisticsSplit(recipe.data().trainSplit()).threads(threads(recipe)).build();
        boolean validate = !"none".equals(recipe.data().valSplit())
                && manifest.splits().containsKey(recipe.data().valSplit());
        Engine.getInstance().setRandomSeed((int) recipe.seed());
        try (Loader train = Loader.open(trainConfig);
             Loader val = validate ? Loader.open(LoaderConfig.builder().data(options.data())
                     .split(recipe.data().valSplit()).batchSize(Math.min(256, valSize(manifest, recipe)))
                     .order(EpochOrder.SEQUENTIAL).normalization(trainConfig.normalization())
                     .statisticsSplit(recipe.data().trainSplit()).threads(threads(recipe)).build()) : null;
             Model model = Model.newInstance(network.name(), devices.get(0))) {
            if (!Files.exists(dir.resolve(InputStats.FILE))) {
                InputStats.of(train).write(dir); // what evaluation must feed the network
            }
            model.setBlock(network.block());
            SoftCrossEntropy loss = new SoftCrossEntropy(recipe.labelSmoothing());
            // parameters need initialising before the optimizer can see them
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32,
                    new Shape(perDevice, shape.channels(), shape.height(), shape.width()));
            PairList<String, Parameter> all = model.getBlock().getParameters();
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : all) {
                if (p.getValue().requiresGradient()) {
                    trainable.put(p.getKey(), p.getValue());
                }
            }
            MomentumSgd sgd = new MomentumSgd(recipe.optimizer(), trainable);
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(sgd)
                    .optDevices(devices.toArray(new Device[0]));
            try (Trainer trainer = model.newTrainer(config);
                 WeightAverage ema = recipe.ema().decay() > 0 ? new WeightAverage(recipe.ema().decay(), all) : null) {
                long stepsPerEpoch = train.batchesPerEpoch();
                LearningRateSchedule schedule = new LearningRateSchedule(recipe.schedule(), recipe.batchSize(),
                        stepsPerEpoch, recipe.epochs());
                Position start = new Position(0, 0, 0, Double.NEGATIVE_INFINITY);
                if (options.resume()) {
                    start = restore(dir.resolve(LAST), all, trainable, sgd, ema, devices.get(0));
                    truncateMetrics(dir.resolve(METRICS), start.step());
                    listener.note(String.format(Locale.ROOT, "resuming at epoch %d, batch %d (step %d)",
                            start.epoch(), start.batch(), start.step()));
                }
                return loop(dir, recipe, network, train, val, trainer, model, sgd, ema, schedule, all, trainable,
                        start, classes);
            }
        }
    }

    private record Position(int epoch, int batch, long step, double bestTop1) {
    }

    private Result loop(Path dir, Recipe recipe, Network network, Loader train, Loader val, Trainer trainer,
                        Model model, MomentumSgd sgd, WeightAverage ema, LearningRateSchedule schedule,
                        PairList<String, Parameter> all, Map<String, Parameter> trainable, Position start, int classes)
            throws IOException {
        long step = start.step();
        double best = start.bestTop1();
        EpochMetrics last = null;
        int batches = train.batchesPerEpoch();
        NDManager manager = model.getNDManager();
        List<Device> devices = options.devices();
        for (int epoch = start.epoch(); epoch < recipe.epochs(); epoch++) {
            int firstBatch = epoch == start.epoch() ? start.batch() : 0;
            listener.epochStarted(epoch, recipe.epochs(), batches, firstBatch);
            long epochStart = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            long windowStart = System.nanoTime();
            long windowImages = 0;
            double windowLoss = 0;
            int windowSteps = 0;
            double lr = schedule.at(step);
            try (Epoch it = train.epoch(epoch, firstBatch)) {
                while (it.hasNext()) {
                    int batchIndex = it.position();
                    Batch b = it.next();
                    lr = schedule.at(step);
                    sgd.setLearningRate(lr);
                    double batchLoss;
                    try (NDManager stepManager = manager.newSubManager()) {
                        StepResult r = trainStep(trainer, stepManager, b, network.input(), devices,
                                recipe.gradClipNorm(), all);
                        batchLoss = r.loss();
                        correct += r.correct();
                    }
                    if (!Double.isFinite(batchLoss)) {
                        appendMetrics(dir, Map.of("type", "error", "epoch", epoch, "batch", batchIndex, "step", step,
                                "message", "non-finite loss " + batchLoss));
                        throw new TrainingDiverged(step, String.format(Locale.ROOT,
                                "the loss became %s at step %d (epoch %d, batch %d, lr %.5g); the last good "
                                        + "checkpoint is kept in %s", batchLoss, step, epoch, batchIndex, lr,
                                dir.resolve(LAST)));
                    }
                    trainer.step();
                    zeroGradients(trainable);
                    if (ema != null) {
                        ema.update();
                    }
                    step++;
                    seen += b.size();
                    lossSum += batchLoss * b.size();
                    windowImages += b.size();
                    windowLoss += batchLoss;
                    windowSteps++;
                    double seconds = (System.nanoTime() - windowStart) / 1e9;
                    listener.step(epoch, batchIndex, step, batchLoss, lr, windowImages / Math.max(1e-9, seconds));
                    if (step % recipe.logEverySteps() == 0) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("type", "step");
                        line.put("epoch", epoch);
                        line.put("step", step);
                        line.put("loss", windowLoss / windowSteps);
                        line.put("lr", lr);
                        line.put("images_per_second", windowImages / Math.max(1e-9, seconds));
                        appendMetrics(dir, line);
                        windowStart = System.nanoTime();
                        windowImages = 0;
                        windowLoss = 0;
                        windowSteps = 0;
                    }
                    boolean periodic = recipe.checkpointEverySteps() > 0 && step % recipe.checkpointEverySteps() == 0;
                    if (periodic || stopRequested) {
                        save(dir.resolve(LAST), network, all, sgd, ema,
                                new Position(epoch, batchIndex + 1, step, best));
                    }
                    if (stopRequested) {
                        listener.note("stopped at step " + step + "; resume with --resume " + dir);
                        return new Result(dir, epoch, step, best, last, true);
                    }
                }
            }
            boolean evaluate = val != null && ((epoch + 1) % recipe.evalEvery() == 0 || epoch + 1 == recipe.epochs());
            double[] v = evaluate ? evaluate(trainer, val, manager, network.input(), devices.get(0)) : new double[] {Double.NaN,
                Double.NaN, Double.NaN};
            double emaTop1 = Double.NaN;
            if (evaluate && ema != null) {
                ema.swap();
                emaTop1 = evaluate(trainer, val, manager, network.input(), devices.get(0))[1];
                ema.swap();
            }
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            last = new EpochMetrics(epoch, step, lr, seen == 0 ? Double.NaN : lossSum / seen,
                    seen == 0 ? Double.NaN : (double) correct / seen, v[0], v[1], v[2], emaTop1, seconds,
                    seen / Math.max(1e-9, seconds));
            appendMetrics(dir, epochLine(last));
            listener.epochFinished(last);
            boolean improved = evaluate && v[1] > best;
            if (improved) {
                best = v[1];
            }
            Position next = new Position(epoch + 1, 0, step, best);
            save(dir.resolve(LAST), network, all, sgd, ema, next);
            if (improved) {
                Files.copy(dir.resolve(LAST), AtomicFiles.temp(dir.resolve(BEST)),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                AtomicFiles.commit(AtomicFiles.temp(dir.resolve(BEST)), dir.resolve(BEST));
            }
            if (stopRequested) {
                listener.note("stopped after epoch " + epoch + "; resume with --resume " + dir);
                return new Result(dir, epoch + 1, step, best, last, true);
            }
        }
        exportWeights(dir.resolve(EXPORT), network, all);
        return new Result(dir, recipe.epochs(), step, best, last, false);
    }

    private record StepResult(double loss, long correct) {
    }

    /** Forward and backward over the batch, split evenly across the devices; gradients clipped. */
    private static StepResult trainStep(Trainer trainer, NDManager manager, Batch b, Shape image,
                                        List<Device> devices, double clipNorm, PairList<String, Parameter> all) {
        int n = b.size();
        Shape imageShape = new Shape(n, image.get(0), image.get(1), image.get(2));
        NDArray x = manager.create(b.images().asFloatBuffer(), imageShape, DataType.FLOAT32);
        NDArray labels = manager.create(b.labels().asIntBuffer(), new Shape(n), DataType.INT32);
        NDArray targets = b.hasTargets() ? manager.create(b.targets().asFloatBuffer(),
                new Shape(n, b.targets().remaining() / 4 / n), DataType.FLOAT32) : labels;
        double lossValue = 0;
        long correct = 0;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            int parts = devices.size();
            NDList xs = parts == 1 ? new NDList(x) : x.split(parts);
            NDList ts = parts == 1 ? new NDList(targets) : targets.split(parts);
            NDList ls = parts == 1 ? new NDList(labels) : labels.split(parts);
            for (int i = 0; i < parts; i++) {
                Device device = devices.get(i);
                NDArray xi = xs.get(i).toDevice(device, false);
                NDList predictions = trainer.forward(new NDList(xi));
                NDArray loss = trainer.getLoss().evaluate(new NDList(ts.get(i).toDevice(device, false)), predictions);
                collector.backward(parts == 1 ? loss : loss.div(parts));
                lossValue += loss.getFloat() / parts;
                NDArray predicted = predictions.singletonOrThrow().argMax(1).toType(DataType.INT32, false);
                correct += predicted.eq(ls.get(i).toDevice(device, false)).sum().getLong();
            }
        }
        if (clipNorm > 0) {
            clip(all, clipNorm);
        }
        return new StepResult(lossValue, correct);
    }

    /**
     * Clears the gradients for the next step: PyTorch accumulates into {@code .grad}, and neither DJL's trainer
     * nor its parameter server clears them.
     */
    public static void zeroGradients(Map<String, Parameter> trainable) {
        for (Parameter p : trainable.values()) {
            NDArray g = p.getArray().getGradient();
            g.muli(0);
            g.close();
        }
    }

    /** Scales all gradients so that their global L2 norm is at most {@code max}. */
    private static void clip(PairList<String, Parameter> all, double max) {
        double sum = 0;
        for (Pair<String, Parameter> p : all) {
            if (p.getValue().requiresGradient()) {
                NDArray g = p.getValue().getArray().getGradient();
                sum += g.pow(2).sum().getFloat();
            }
        }
        double norm = Math.sqrt(sum);
        if (norm > max) {
            for (Pair<String, Parameter> p : all) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().getGradient().muli(max / norm);
                }
            }
        }
    }

    /** Validation loss, top-1 and top-5 over the whole split. */
    private static double[] evaluate(Trainer trainer, Loader val, NDManager manager, Shape image, Device device) {
        double lossSum = 0;
        long top1 = 0;
        long top5 = 0;
        long n = 0;
        SoftCrossEntropy loss = new SoftCrossEntropy(0);
        try (Epoch it = val.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                try (NDManager m = manager.newSubManager()) {
                    int size = b.size();
                    NDArray x = m.create(b.images().asFloatBuffer(), new Shape(size, image.get(0), image.get(1),
                            image.get(2)), DataType.FLOAT32).toDevice(device, false);
                    NDArray labels = m.create(b.labels().asIntBuffer(), new Shape(size), DataType.INT32)
                            .toDevice(device, false);
                    NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                    lossSum += loss.evaluate(new NDList(labels), new NDList(logits)).getFloat() * size;
                    NDArray ranked = logits.argSort(1, false);
                    NDArray hit = ranked.get(new NDIndex(":, :5")).toType(DataType.INT32, false)
                            .eq(labels.reshape(size, 1));
                    top1 += hit.get(new NDIndex(":, 0")).sum().getLong();
                    top5 += hit.toType(DataType.INT32, false).sum(new int[] {1}).gt(0).sum().getLong();
                    n += size;
                }
            }
        }
        return new double[] {lossSum / n, (double) top1 / n, (double) top5 / n};
    }

    /** Creates the run directory and its config, or reads them back to resume. */
    private Recipe prepare(Path dir, Manifest manifest) throws IOException {
        Path config = dir.resolve(CONFIG);
        if (options.resume()) {
            if (!Files.exists(dir.resolve(LAST))) {
                throw new IllegalArgumentException(dir + " has no checkpoint to resume from (" + LAST + ")");
            }
            return Recipes.fromYaml(config);
        }
        if (Files.exists(config)) {
            throw new IllegalArgumentException(dir + " already holds a run; resume it with --resume or choose "
                    + "another --out");
        }
        Files.createDirectories(dir.resolve("checkpoints"));
        StringBuilder header = new StringBuilder("# lowres run: " + String.join(" ", options.command()) + "\n");
        header.append("# data: ").append(options.data().toAbsolutePath()).append('\n');
        header.append("# devices: ").append(options.devices()).append('\n');
        AtomicFiles.write(config, (header + Recipes.toYaml(options.recipe())).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("data", options.data().toAbsolutePath().normalize().toString());
        run.put("devices", options.devices().stream().map(Device::toString).toList());
        run.put("command", options.command());
        run.put("tool", dev.lowres.data.Version.TOOL);
        // the network's outputs, by wnid: evaluation matches other datasets' classes against these
        run.put("classes", manifest.classes());
        run.put("image", Map.of("channels", manifest.image().channels(), "height", manifest.image().height(),
                "width", manifest.image().width()));
        AtomicFiles.write(dir.resolve(RUN), Json.mapper().writeValueAsBytes(run));
        return options.recipe();
    }

    /** The dataset a run in {@code dir} was started on (from its {@value #RUN}). */
    public static Path dataOf(Path dir) throws IOException {
        Path file = dir.resolve(RUN);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(dir + " is not a lowres run directory (no " + RUN + ")");
        }
        return Path.of(Json.mapper().readTree(file.toFile()).path("data").asText());
    }

    private static int threads(Recipe recipe) {
        return recipe.data().threads() > 0 ? recipe.data().threads() : Runtime.getRuntime().availableProcessors();
    }

    private static int valSize(Manifest manifest, Recipe recipe) {
        return (int) Math.max(1, manifest.splits().get(recipe.data().valSplit()).count());
    }

    private static void save(Path file, Network network, PairList<String, Parameter> all, MomentumSgd sgd,
                             WeightAverage ema, Position position) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : all) {
            tensors.put("model/" + p.getKey(), tensor(p.getValue().getArray()));
        }
        for (Map.Entry<String, NDArray> e : sgd.state().entrySet()) {
            tensors.put("momentum/" + e.getKey(), tensor(e.getValue()));
        }
        if (ema != null) {
            for (Map.Entry<String, NDArray> e : ema.state().entrySet()) {
                tensors.put("ema/" + e.getKey(), tensor(e.getValue()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", network.name());
        meta.put("epoch", String.valueOf(position.epoch()));
        meta.put("batch", String.valueOf(position.batch()));
        meta.put("step", String.valueOf(position.step()));
        meta.put("best_val_top1", String.valueOf(position.bestTop1()));
        Safetensors.write(file, tensors, meta);
    }

    private static Position restore(Path file, PairList<String, Parameter> all, Map<String, Parameter> trainable,
                                    MomentumSgd sgd, WeightAverage ema, Device device) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        if (!FORMAT.equals(c.metadata().get("format"))) {
            throw new IOException(file + " is not a lowres checkpoint");
        }
        for (Pair<String, Parameter> p : all) {
            Safetensors.Tensor t = c.tensors().get("model/" + p.getKey());
            if (t == null) {
                throw new IOException(file + " lacks parameter " + p.getKey() + " (another model?)");
            }
            p.getValue().getArray().set(t.data());
        }
        Map<String, float[]> momentum = new LinkedHashMap<>();
        Map<String, float[]> average = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : all) {
            Safetensors.Tensor m = c.tensors().get("momentum/" + p.getKey());
            if (m != null) {
                momentum.put(p.getKey(), m.data());
            }
            Safetensors.Tensor a = c.tensors().get("ema/" + p.getKey());
            if (a != null) {
                average.put(p.getKey(), a.data());
            }
        }
        sgd.restore(momentum, trainable, device);
        if (ema != null) {
            ema.restore(average);
        }
        return new Position(Integer.parseInt(c.metadata().get("epoch")), Integer.parseInt(c.metadata().get("batch")),
                Long.parseLong(c.metadata().get("step")), Double.parseDouble(c.metadata().get("best_val_top1")));
    }

    private static void exportWeights(Path file, Network network, PairList<String, Parameter> all) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : all) {
            tensors.put(p.getKey(), tensor(p.getValue().getArray()));
        }
        Safetensors.write(file, tensors, Map.of("format", "lowres-weights/1", "model", network.name(),
                "input", network.input().toString(), "classes", String.valueOf(network.classes())));
    }

    private static Safetensors.Tensor tensor(NDArray array) {
        return new Safetensors.Tensor(array.getShape().getShape(), array.toFloatArray());
    }

    private static Map<String, Object> epochLine(EpochMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "epoch");
        line.put("epoch", m.epoch());
        line.put("step", m.step());
        line.put("lr", m.lr());
        line.put("train_loss", m.trainLoss());
        line.put("train_top1", m.trainTop1());
        line.put("val_loss", m.valLoss());
        line.put("val_top1", m.valTop1());
        line.put("val_top5", m.valTop5());
        line.put("ema_val_top1", m.emaValTop1());
        line.put("seconds", m.seconds());
        line.put("images_per_second", m.imagesPerSecond());
        return line;
    }

    private static void appendMetrics(Path dir, Map<String, Object> line) throws IOException {
        ObjectNode node = Json.mapper().valueToTree(line);
        node.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber() && Double.isNaN(f.getValue().asDouble())) {
                node.putNull(f.getKey());
            }
        });
        String text = Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(node) + "\n";
        Files.writeString(dir.resolve(METRICS), text, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Keeps the metrics lines of steps up to the checkpoint's, so a resumed run does not repeat them. */
    private static void truncateMetrics(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            long lineStep = Json.mapper().readTree(line).path("step").asLong(Long.MAX_VALUE);
            if (lineStep <= step) {
                kept.add(line);
            }
        }
        AtomicFiles.write(file, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"))
                .getBytes(StandardCharsets.UTF_8));
    }
}
