package dev.lowres.train.eval;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import dev.lowres.data.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network traced or scripted in PyTorch ({@code torch.jit.trace / script}, then {@code .save}) made into a
 * run directory that {@code lowres eval} evaluates like a trained run: {@code model.pt} (a copy of the file),
 * {@code config.yaml} (a recipe naming model {@value #MODEL}; its training settings mean nothing here), {@code run.json} (its classes, by wnid in output
 * order, and the input shape of the data) and {@code input.safetensors} (the channel mean and standard deviation
 * the network expects, e.g. ImageNet's for a timm model).
 */
public final class ScriptedRun {
    /** The model name of such a run. */
    public static final String MODEL = "torchscript";
    /** The TorchScript file in the run directory. */
    public static final String FILE = "model.pt";
    /** ImageNet's channel mean and standard deviation on [0, 1] pixels (torchvision's and timm's default). */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    private ScriptedRun() {
    }

    /**
     * Writes the run directory {@code dir} for {@code script}.
     *
     * @param wnids the network's output classes in order
     * @param data the dataset the run will be evaluated on (for the input shape and the class names)
     * @param mean per-channel means on [0, 1] pixels
     * @param std per-channel standard deviations on [0, 1] pixels
     * @throws IllegalArgumentException for an empty or repeated wnid list, or statistics of the wrong length
     */
    public static Path create(Path script, List<String> wnids, Path data, double[] mean, double[] std, Path dir,
                              List<String> command) throws IOException, DatasetException {
        if (!Files.isRegularFile(script)) {
            throw new java.nio.file.NoSuchFileException(script + " (no TorchScript file there)");
        }
        if (wnids.isEmpty()) {
            throw new IllegalArgumentException("the class list is empty: give the network's output classes as wnids, "
                    + "one per line, in output order");
        }
        Set<String> seen = new HashSet<>();
        for (String w : wnids) {
            if (!seen.add(w)) {
                throw new IllegalArgumentException("the class list repeats " + w);
            }
        }
        Manifest manifest = Dataset.open(data).manifest();
        int channels = manifest.image().channels();
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("--mean and --std need " + channels + " values (the data's channels)");
        }
        Map<String, String> names = new HashMap<>();
        for (ClassEntry c : manifest.classes()) {
            names.put(c.wnid(), c.name());
        }
        List<ClassEntry> classes = new ArrayList<>();
        for (int i = 0; i < wnids.size(); i++) {
            classes.add(new ClassEntry(i, wnids.get(i), names.getOrDefault(wnids.get(i), wnids.get(i))));
        }
        RunDirectory run = new RunDirectory(dir);
        Files.createDirectories(dir);
        Path copy = AtomicFiles.temp(dir.resolve(FILE));
        Files.copy(script, copy, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.commit(copy, dir.resolve(FILE));
        Recipe recipe = Recipes.resolve("imagenet32-paper", List.of("model=" + MODEL, "name=" + MODEL,
                "description=" + script.getFileName()));
        AtomicFiles.write(run.config(), ("# lowres: the TorchScript network " + script.toAbsolutePath() + "\n"
                + Recipes.toYaml(recipe)).getBytes(StandardCharsets.UTF_8));
        new RunRecord(data.toAbsolutePath().normalize().toString(), null, null, null, command,
                dev.lowres.data.Version.TOOL, null, classes, new RunRecord.Image(channels, manifest.image().height(),
                manifest.image().width()), null, null).write(run.runJson());
        double[] m = new double[channels];
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            m[c] = mean[c] * 255;
            s[c] = std[c] * 255;
        }
        new InputStats(Normalization.CHANNEL, m, s, null).write(dir);
        return dir;
    }

    /** Reads a class list: one wnid per line ({@code #} comments and blank lines skipped). */
    public static List<String> readClasses(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t.split("\\s+")[0]);
            }
        }
        return out;
    }

    /** Whether a run directory holds a TorchScript network. */
    public static boolean isScripted(RunInfo run) {
        return MODEL.equals(run.recipe().model());
    }
}
