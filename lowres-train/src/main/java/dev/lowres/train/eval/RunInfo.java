package dev.lowres.train.eval;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What evaluation needs to know of a training run: its recipe, the classes its network predicts (by wnid),
 * the input shape and the input statistics. Runs record these themselves ({@code run.json} and
 * {@value InputStats#FILE}); for a run written before they did, they are read from its training dataset.
 *
 * @param dir the run directory
 * @param recipe the run's resolved recipe ({@code config.yaml})
 * @param trainData the dataset it was trained on (may no longer exist)
 * @param classes the network's output classes, in output order
 * @param image the input shape
 * @param input the input normalisation
 */
public record RunInfo(Path dir, Recipe recipe, Path trainData, List<ClassEntry> classes, Manifest.ImageShape image,
                      InputStats input) {
    /** Which weights of a run to evaluate. */
    public enum Weights {
        /** model.safetensors if the run finished, else the best checkpoint, else the last. */
        AUTO,
        /** model.safetensors: the weights at the end of training. */
        FINAL,
        /** checkpoints/best.safetensors: the epoch with the best validation top-1. */
        BEST,
        /** checkpoints/last.safetensors. */
        LAST,
        /** the exponential moving average kept in checkpoints/last.safetensors (recipes with ema.decay). */
        EMA;

        public static Weights parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown weights '" + text + "'; valid: auto, final, best, last, ema");
            }
        }
    }

    /** Reads a run directory. */
    public static RunInfo load(Path dir) throws IOException, DatasetException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir + " (no such run directory)");
        }
        if (!Files.exists(dir.resolve(RunDirectory.CONFIG)) || !Files.exists(dir.resolve(RunDirectory.RUN))) {
            throw new IllegalArgumentException(dir + " is not a lowres run directory (no " + RunDirectory.CONFIG
                    + " and " + RunDirectory.RUN + ")");
        }
        Recipe recipe = Recipes.fromYaml(dir.resolve(RunDirectory.CONFIG));
        RunRecord record = RunRecord.read(dir.resolve(RunDirectory.RUN));
        Path data = Path.of(record.data() == null ? "" : record.data());
        List<ClassEntry> classes = record.classes() == null ? List.of() : record.classes();
        Manifest.ImageShape image = record.image() == null ? null
                : new Manifest.ImageShape(record.image().height(), record.image().width(), record.image().channels());
        InputStats input = Files.exists(dir.resolve(InputStats.FILE)) ? InputStats.read(dir) : null;
        if (classes.isEmpty() || image == null || input == null) {
            // a run from before run.json recorded these: its training data must still be there
            if (!Files.exists(data.resolve("manifest.json"))) {
                throw new IllegalArgumentException(dir + " does not record its classes and input statistics, and "
                        + "its training dataset " + data + " is gone");
            }
            Manifest manifest = Dataset.open(data).manifest();
            classes = manifest.classes();
            image = manifest.image();
            if (input == null) {
                input = statistics(data, recipe);
            }
        }
        return new RunInfo(dir, recipe, data, List.copyOf(classes), image, input);
    }

    /** The input statistics a training loader on {@code data} with {@code recipe} applies. */
    public static InputStats statistics(Path data, Recipe recipe) throws IOException, DatasetException {
        try (Loader loader = Loader.open(LoaderConfig.builder().data(data).split(recipe.data().trainSplit())
                .batchSize(1).order(EpochOrder.SEQUENTIAL).threads(1)
                .normalization(Normalization.parse(recipe.data().normalization()))
                .statisticsSplit(recipe.data().trainSplit()).build())) {
            return InputStats.of(loader);
        }
    }

    /** The file holding the chosen weights; a clear error when the run has none. */
    public Path weightsFile(Weights weights) {
        Path last = dir.resolve(RunDirectory.LAST);
        Path best = dir.resolve(RunDirectory.BEST);
        Path model = dir.resolve(RunDirectory.EXPORT);
        Path file = switch (weights) {
            case AUTO -> Files.exists(model) ? model : Files.exists(best) ? best : last;
            case FINAL -> model;
            case BEST -> best;
            case LAST, EMA -> last;
        };
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(dir + " has no weights to evaluate: " + (weights == Weights.AUTO
                    ? "no " + RunDirectory.EXPORT + ", " + RunDirectory.BEST + " or " + RunDirectory.LAST
                    + " (did the run save a checkpoint?)" : "no " + dir.relativize(file)));
        }
        return file;
    }

    /** The class wnids, in output order. */
    public List<String> wnids() {
        return classes.stream().map(ClassEntry::wnid).toList();
    }
}
