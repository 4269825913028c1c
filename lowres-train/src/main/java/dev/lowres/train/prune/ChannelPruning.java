package dev.lowres.train.prune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.train.engine.Device;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.model.WideResNet;
import dev.lowres.train.nn.Param;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.recipe.Word;
import dev.lowres.train.run.Checkpoint;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structured channel pruning of a Wide ResNet: a genuinely smaller network, not a mask. Inside each residual block
 * (BN-ReLU-conv1-BN-ReLU-conv2) the channels between conv1 and conv2 are ranked and the weakest removed: conv1's
 * filters, bn2's parameters and statistics, and conv2's input channels for them. What enters and leaves a block is
 * untouched, so the residual sums and shortcuts keep their width (pruning those channels would need every block of
 * a stage, its shortcut and the next stage's input pruned alike).
 *
 * <p>Criteria: {@link Criterion#L1}, the L1 norm of each conv1 filter, the same share removed in every block (Li et
 * al. 2017, "Pruning Filters for Efficient ConvNets"); {@link Criterion#BN_SCALE}, bn2's |gamma| ranked across all
 * blocks together, so blocks with many weak channels lose more (network slimming, Liu et al. 2017, who train with
 * an L1 penalty on gamma first; here it ranks the scales as trained). Every block keeps at least one channel.
 * Fine-tuning afterwards recovers what the removed channels contributed.
 */
public final class ChannelPruning {
    private static final Pattern WRN = Pattern.compile("wrn-(\\d+)-(\\d+)(?:@[0-9,]+)?");

    private ChannelPruning() {
    }

    /** How channels are ranked. */
    public enum Criterion implements Word {
        L1("l1"), BN_SCALE("bn-scale");

        private final String id;

        Criterion(String id) {
            this.id = id;
        }

        @JsonValue
        @Override
        public String id() {
            return id;
        }

        @JsonCreator
        public static Criterion parse(String text) {
            return Word.parse(Criterion.class, "the channel criterion", text);
        }
    }

    /**
     * A pruned network.
     *
     * @param model its registry name ({@code wrn-d-k@c0,c1,...})
     * @param weights its parameters and buffers by name
     * @param before the inner widths before
     * @param after the inner widths after
     */
    public record Result(String model, Map<String, float[]> weights, int[] before, int[] after) {
    }

    /**
     * Prunes {@code amount} of the channels inside the blocks of a WRN.
     *
     * @param network the network (a {@code wrn-d-k}, possibly pruned before)
     * @param weights its values by name
     * @param amount the share of inner channels removed, in (0, 1)
     * @throws IllegalArgumentException for another network, naming why, or an amount outside (0, 1)
     */
    public static Result prune(Network network, Map<String, float[]> weights, double amount, Criterion criterion) {
        if (!(amount > 0 && amount < 1)) {
            throw new IllegalArgumentException("the share of channels pruned must be in (0, 1): " + amount);
        }
        Matcher m = WRN.matcher(network.name());
        if (!m.matches()) {
            throw new IllegalArgumentException("channel pruning applies to Wide ResNets (wrn-d-k): it removes the "
                    + "channels inside each residual block, where no shortcut or residual sum depends on them; "
                    + network.name() + " is not one (use --method magnitude, which applies to every network)");
        }
        Map<String, Param> byName = new LinkedHashMap<>();
        network.params().forEach(p -> byName.put(p.name(), p));
        int blocks = 0;
        while (byName.containsKey("blocks." + blocks + ".conv1.weight")) {
            blocks++;
        }
        int[] before = new int[blocks];
        float[][] score = new float[blocks][];
        for (int b = 0; b < blocks; b++) {
            long[] shape = byName.get("blocks." + b + ".conv1.weight").shape();
            before[b] = (int) shape[0];
            score[b] = criterion == Criterion.L1 ? l1(weights.get("blocks." + b + ".conv1.weight"), before[b])
                    : abs(weights.get("blocks." + b + ".bn2.weight"));
        }
        int[][] keep = criterion == Criterion.L1 ? perBlock(score, amount) : global(score, amount);
        Map<String, float[]> out = new LinkedHashMap<>(weights);
        int[] after = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            after[b] = keep[b].length;
            String p = "blocks." + b + ".";
            out.put(p + "conv1.weight", rows(weights.get(p + "conv1.weight"), byName.get(p + "conv1.weight").shape(),
                    keep[b]));
            for (String bn : List.of("weight", "bias", "running_mean", "running_var")) {
                out.put(p + "bn2." + bn, pick(weights.get(p + "bn2." + bn), keep[b]));
            }
            out.put(p + "conv2.weight", inputs(weights.get(p + "conv2.weight"), byName.get(p + "conv2.weight").shape(),
                    keep[b]));
        }
        String name = WideResNet.name(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), after);
        Network smaller = ModelRegistry.create(name, network.input().channels(), network.input().height(),
                network.classes());
        for (Param p : smaller.params()) {
            if (out.get(p.name()).length != p.numel()) {
                throw new IllegalStateException(p.name() + ": " + out.get(p.name()).length + " values for "
                        + Arrays.toString(p.shape()));
            }
        }
        return new Result(name, out, before, after);
    }

    /**
     * Writes the pruned network as a run directory of its own, before any fine-tuning: {@code config.yaml} (the
     * original recipe with the pruned model), {@code run.json} and {@code input.safetensors} as the original's,
     * and {@code model.safetensors}. It evaluates as any run, and a fine-tuning run starts from it.
     */
    public static void write(RunInfo from, Result pruned, Path dir, List<String> command) throws IOException {
        RunDirectory out = new RunDirectory(dir);
        Files.createDirectories(dir);
        Recipe recipe = Recipes.resolve(from.dir().resolve(RunDirectory.CONFIG).toString(),
                List.of("model=" + pruned.model()));
        Network network = ModelRegistry.create(pruned.model(), from.image().channels(), from.image().height(),
                from.classes().size());
        try (Model model = Model.create(network, Device.cpu(), 0, false)) {
            model.load(pruned.weights(), "the pruned weights");
            Checkpoint.export(out.export(), model);
        }
        AtomicFiles.write(out.config(), ("# lowres: " + from.recipe().model() + " of " + from.dir().toAbsolutePath()
                + " channel-pruned to " + pruned.model() + ", not fine-tuned\n# lowres run: " + String.join(" ", command)
                + "\n" + Recipes.toYaml(recipe)).getBytes(StandardCharsets.UTF_8));
        RunRecord r = RunRecord.read(from.dir().resolve(RunDirectory.RUN));
        new RunRecord(r.data(), r.device(), r.precision(), r.channelsLast(), command, dev.lowres.data.Version.TOOL,
                r.engine(), from.classes(), r.image(), null, null).write(out.runJson());
        from.input().write(dir);
    }

    /** The indices kept in each block: the same share everywhere, the highest scores, in channel order. */
    private static int[][] perBlock(float[][] score, double amount) {
        int[][] keep = new int[score.length][];
        for (int b = 0; b < score.length; b++) {
            int n = Math.max(1, (int) Math.round(score[b].length * (1 - amount)));
            keep[b] = top(score[b], n);
        }
        return keep;
    }

    /** The indices kept with one threshold over all blocks (at least one channel in each). */
    private static int[][] global(float[][] score, double amount) {
        int total = 0;
        for (float[] s : score) {
            total += s.length;
        }
        float[] flat = new float[total];
        int at = 0;
        for (float[] s : score) {
            System.arraycopy(s, 0, flat, at, s.length);
            at += s.length;
        }
        float[] sorted = flat.clone();
        Arrays.sort(sorted);
        int removed = (int) Math.round(total * amount);
        float threshold = removed == 0 ? Float.NEGATIVE_INFINITY : sorted[removed - 1];
        int[][] keep = new int[score.length][];
        for (int b = 0; b < score.length; b++) {
            int n = 0;
            for (float v : score[b]) {
                n += v > threshold ? 1 : 0;
            }
            keep[b] = top(score[b], Math.max(1, n));
        }
        return keep;
    }

    /** The {@code n} indices of the highest scores, in increasing index order (ties to the lower index). */
    static int[] top(float[] score, int n) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a]) : Integer.compare(a, b));
        int[] keep = new int[n];
        for (int i = 0; i < n; i++) {
            keep[i] = order[i];
        }
        Arrays.sort(keep);
        return keep;
    }

    /** The L1 norm of each of {@code filters} filters (rows of a row-major weight). */
    private static float[] l1(float[] w, int filters) {
        int per = w.length / filters;
        float[] out = new float[filters];
        for (int f = 0; f < filters; f++) {
            double sum = 0;
            for (int i = 0; i < per; i++) {
                sum += Math.abs(w[f * per + i]);
            }
            out[f] = (float) sum;
        }
        return out;
    }

    private static float[] abs(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    private static float[] pick(float[] v, int[] keep) {
        float[] out = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            out[i] = v[keep[i]];
        }
        return out;
    }

    /** The kept output filters of a weight (out, in, k, k). */
    private static float[] rows(float[] w, long[] shape, int[] keep) {
        int per = (int) (shape[1] * shape[2] * shape[3]);
        float[] out = new float[keep.length * per];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(w, keep[i] * per, out, i * per, per);
        }
        return out;
    }

    /** The kept input channels of a weight (out, in, k, k). */
    private static float[] inputs(float[] w, long[] shape, int[] keep) {
        int in = (int) shape[1];
        int k = (int) (shape[2] * shape[3]);
        int outs = (int) shape[0];
        float[] out = new float[outs * keep.length * k];
        for (int o = 0; o < outs; o++) {
            for (int i = 0; i < keep.length; i++) {
                System.arraycopy(w, (o * in + keep[i]) * k, out, (o * keep.length + i) * k, k);
            }
        }
        return out;
    }
}
