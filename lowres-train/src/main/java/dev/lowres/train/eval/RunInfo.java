package dev.lowres.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.loop.TrainingRun;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        if (!Files.exists(dir.resolve(TrainingRun.CONFIG)) || !Files.exists(dir.resolve(TrainingRun.RUN))) {
            throw new IllegalArgumentException(dir + " is not a lowres run directory (no " + TrainingRun.CONFIG
                    + " and " + TrainingRun.RUN + ")");
        }
        Recipe recipe = Recipes.fromYaml(dir.resolve(TrainingRun.CONFIG));
        JsonNode run = Json.mapper().readTree(dir.resolve(TrainingRun.RUN).toFile());
        Path data = Path.of(run.path("data").asText());
        List<ClassEntry> classes = new ArrayList<>();
        for (JsonNode c : run.path("classes")) {
            classes.add(new ClassEntry(c.path("index").asInt(), c.path("wnid").asText(), c.path("name").asText()));
        }
        Manifest.ImageShape image = null;
        if (run.has("image")) {
            JsonNode i = run.path("image");
            image = new Manifest.ImageShape(i.path("height").asInt(), i.path("width").asInt(),
                    i.path("channels").asInt());
        }
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
        Path last = dir.resolve(TrainingRun.LAST);
        Path best = dir.resolve(TrainingRun.BEST);
        Path model = dir.resolve(TrainingRun.EXPORT);
        Path file = switch (weights) {
            case AUTO -> Files.exists(model) ? model : Files.exists(best) ? best : last;
            case FINAL -> model;
            case BEST -> best;
            case LAST, EMA -> last;
        };
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(dir + " has no weights to evaluate: " + (weights == Weights.AUTO
                    ? "no " + TrainingRun.EXPORT + ", " + TrainingRun.BEST + " or " + TrainingRun.LAST
                    + " (did the run save a checkpoint?)" : "no " + dir.relativize(file)));
        }
        return file;
    }

    /** The class wnids, in output order. */
    public List<String> wnids() {
        return classes.stream().map(ClassEntry::wnid).toList();
    }
}
