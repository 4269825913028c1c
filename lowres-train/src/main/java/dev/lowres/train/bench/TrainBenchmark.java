package dev.lowres.train.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.loop.SoftCrossEntropy;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times training steps (forward, backward, the recipe's optimizer step, gradients cleared) of a network on
 * random batches reused every step, so the figure is the network's, not the loader's: the same work
 * {@code torch_train.py} times in PyTorch. A second, profiled pass records every native PyTorch operation
 * (the autograd profiler) and reports how much of the step's wall time fell outside them: the Java and JNI
 * overhead lowres adds.
 */
public final class TrainBenchmark {
    /**
     * @param imagesPerSecond best of the timed repeats
     * @param msPerStep the best repeat's mean step time
     * @param parameters trainable parameters
     * @param gigaflops GFLOPs of one image's forward pass
     * @param outsideNativeShare the share of a profiled step's wall time not covered by native operations
     */
    public record Result(double imagesPerSecond, double msPerStep, long parameters, double gigaflops,
                         double outsideNativeShare) {
    }

    private TrainBenchmark() {
    }

    public static Result run(String modelName, int size, int classes, int batch, int steps, int repeats,
                             Consumer<String> log) throws IOException {
        return run(modelName, size, classes, batch, steps, repeats, null, log);
    }

    /**
     * @param keep where to keep the profiled pass's trace (Chrome trace format: chrome://tracing or Perfetto
     *     shows it), or null
     */
    public static Result run(String modelName, int size, int classes, int batch, int steps, int repeats, Path keep,
                             Consumer<String> log) throws IOException {
        Network network = ModelRegistry.create(modelName, 3, size, classes);
        Recipe recipe = Recipes.resolve("imagenet32-paper", List.of());
        Engine.getInstance().setRandomSeed(0);
        try (Model model = Model.newInstance(network.name(), Device.cpu())) {
            model.setBlock(network.block());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(batch, 3, size, size));
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable.put(p.getKey(), p.getValue());
                }
            }
            MomentumSgd sgd = new MomentumSgd(recipe.optimizer(), trainable);
            sgd.setLearningRate(0.01);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SoftCrossEntropy(0)).optOptimizer(sgd))) {
                NDManager m = model.getNDManager();
                NDArray x = m.randomNormal(new Shape(batch, 3, size, size));
                NDArray y = m.randomInteger(0, classes, new Shape(batch), DataType.INT32);
                for (int i = 0; i < 3; i++) {
                    step(trainer, trainable, x, y);
                }
                double best = Double.MAX_VALUE;
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        step(trainer, trainable, x, y);
                    }
                    double ms = (System.nanoTime() - t0) / 1e6 / steps;
                    log.accept(String.format(java.util.Locale.ROOT, "repeat %d: %.1f ms/step, %.1f images/s", r + 1,
                            ms, batch * 1000 / ms));
                    best = Math.min(best, ms);
                }
                double share = outsideNative(trainer, trainable, x, y, Math.max(2, steps / 3), keep);
                return new Result(batch * 1000 / best, best, network.parameters(), network.gigaflops(), share);
            }
        }
    }

    private static void step(Trainer trainer, Map<String, Parameter> trainable, NDArray x, NDArray y) {
        try (NDManager stepManager = x.getManager().newSubManager()) {
            // Operations create their outputs in their input's manager: lend the batch to the step's manager
            // so that every activation and gradient of the step is freed with it.
            x.tempAttach(stepManager);
            y.tempAttach(stepManager);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(new NDList(x));
                NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                gc.backward(loss);
            }
            trainer.step();
            dev.lowres.train.loop.TrainingRun.zeroGradients(trainable);
        }
    }

    /** Runs profiled steps and returns 1 - (time covered by native operations) / (wall time). */
    private static double outsideNative(Trainer trainer, Map<String, Parameter> trainable, NDArray x, NDArray y,
                                        int steps, Path keep) throws IOException {
        Path trace = Files.createTempFile("lowres-profile", ".json");
        try {
            ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(trainer, trainable, x, y);
            }
            long wallMicros = (System.nanoTime() - t0) / 1000;
            ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
            if (keep != null) {
                Files.copy(trace, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return 1.0 - covered(Json.mapper().readTree(trace.toFile())) / (double) wallMicros;
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /** Microseconds covered by the union of the trace's operation intervals. */
    static long covered(JsonNode trace) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        List<long[]> intervals = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.has("dur") && e.path("ph").asText("X").equals("X")) {
                long start = (long) e.path("ts").asDouble();
                intervals.add(new long[] {start, start + (long) e.path("dur").asDouble()});
            }
        }
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        long total = 0;
        long end = Long.MIN_VALUE;
        for (long[] i : intervals) {
            if (i[0] >= end) {
                total += i[1] - i[0];
                end = i[1];
            } else if (i[1] > end) {
                total += i[1] - end;
                end = i[1];
            }
        }
        return total;
    }
}
