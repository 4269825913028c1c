package dev.lowres.train.bench;

import dev.lowres.train.dist.Group;
import dev.lowres.train.dist.Replicas;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.loop.SoftCrossEntropy;
import dev.lowres.train.loop.TrainStep;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Times training steps of a network on one random batch reused every step, so the figure is the network's, not
 * the loader's: a run's own {@link TrainStep} (forward under autocast, the loss read back, backward, the recipe's
 * optimizer step, gradients dropped), without distillation, pruning or a weight average, the work
 * {@code bench/torch_train.py} times in PyTorch. As one rank of a data-parallel group, each step also agrees on the
 * loss and averages the gradients over the ranks ({@link Replicas}), each rank on its share of the batch, as a
 * run's step does, and the figure is the whole group's (the global batch per step).
 */
public final class TrainBenchmark {
    /**
     * What to time.
     *
     * @param model the registry name
     * @param size the input side in pixels
     * @param classes output classes
     * @param batch the batch size
     * @param steps steps per timed repeat
     * @param repeats timed repeats (the best is reported)
     * @param device the device
     * @param precision the precision (resolved for the device)
     * @param channelsLast keep weights and activations channels-last
     */
    public record Config(String model, int size, int classes, int batch, int steps, int repeats, Device device,
                         Precision precision, boolean channelsLast) {
    }

    /**
     * @param imagesPerSecond best of the timed repeats
     * @param msPerStep the best repeat's mean step time
     * @param repeatImagesPerSecond every repeat's figure, in order
     * @param parameters trainable parameters
     * @param gigaflops GFLOPs of one image's forward pass
     * @param finalLoss the loss of the last step
     */
    public record Result(double imagesPerSecond, double msPerStep, List<Double> repeatImagesPerSecond,
                         long parameters, double gigaflops, double finalLoss) {
    }

    private TrainBenchmark() {
    }

    public static Result run(Config c, Consumer<String> log) {
        return run(c, null, log);
    }

    /**
     * Times the steps as one rank of {@code group} (null: alone): batch {@code c.batch() / ranks} here, the figure
     * the global batch's.
     */
    public static Result run(Config c, Group group, Consumer<String> log) {
        int ranks = group == null ? 1 : group.size();
        if (c.batch() % ranks != 0) {
            throw new IllegalArgumentException("the batch " + c.batch() + " must divide evenly over " + ranks
                    + " ranks");
        }
        int local = c.batch() / ranks;
        Network network = ModelRegistry.create(c.model(), 3, c.size(), c.classes());
        Recipe recipe;
        try {
            recipe = Recipes.resolve("imagenet32-paper", List.of());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Precision precision = c.precision().resolve(c.device());
        Torch.load();
        SplittableRandom random = new SplittableRandom(0);
        float[] pixels = new float[local * 3 * c.size() * c.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        int[] labels = new int[local];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(c.classes());
        }
        try (Model model = Model.create(network, c.device(), 0, c.channelsLast());
             MomentumSgd sgd = new MomentumSgd(recipe.optimizer(), model.trainable());
             Replicas replicas = group == null ? Replicas.SINGLE
                     : new Replicas.DataParallel(group, model.params(), model.trainable());
             PointerScope batchScope = new PointerScope()) {
            Tensor x = Tensors.floats(pixels, c.device(), local, 3, c.size(), c.size());
            Tensor y = Tensors.longs(labels, c.device());
            TrainStep step = TrainStep.plain(model, sgd, precision, new SoftCrossEntropy(0),
                    recipe.optimizer().momentum(), replicas);
            double last = 0;
            for (int i = 0; i < 3; i++) {
                last = step.run(x, y, y, 0.01, i, false).loss();
            }
            double best = Double.MAX_VALUE;
            List<Double> figures = new java.util.ArrayList<>();
            for (int r = 0; r < c.repeats(); r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < c.steps(); i++) {
                    last = step.run(x, y, y, 0.01, 3 + (long) r * c.steps() + i, false).loss();
                }
                double ms = (System.nanoTime() - t0) / 1e6 / c.steps();
                figures.add(c.batch() * 1000 / ms);
                log.accept(String.format(Locale.ROOT, "repeat %d: %.1f ms/step, %.1f images/s", r + 1, ms,
                        c.batch() * 1000 / ms));
                best = Math.min(best, ms);
            }
            return new Result(c.batch() * 1000 / best, best, List.copyOf(figures), network.parameters(),
                    network.gigaflops(), last);
        }
    }
}
