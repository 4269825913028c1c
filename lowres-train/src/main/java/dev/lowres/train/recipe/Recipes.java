package dev.lowres.train.recipe;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds, reads, overrides and validates recipes. A recipe is a YAML file, bundled by name
 * ({@link #BUNDLED}) or given as a path; every recipe starts from {@code defaults.yaml}, so it states only
 * what it changes. Overrides are {@code key=value} with dotted keys ({@code schedule.lr=0.05},
 * {@code data.augment=paper}); values are YAML ({@code schedule.milestones=[10,20]}). Unknown keys and bad
 * values fail with the valid ones.
 */
public final class Recipes {
    /** The bundled recipes. */
    public static final List<String> BUNDLED = List.of("imagenet32-paper", "goyal", "cosine", "sgdr", "one-cycle",
            "modern", "demo", "kd");
    private static final String DIR = "/dev/lowres/train/recipes/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Recipes() {
    }

    /**
     * Resolves a recipe.
     *
     * @param nameOrPath a bundled name or a YAML file
     * @param overrides {@code key=value} overrides, applied in order
     * @throws IllegalArgumentException for an unknown recipe, key or value (the message lists the valid ones)
     */
    public static Recipe resolve(String nameOrPath, List<String> overrides) throws IOException {
        ObjectNode tree = (ObjectNode) read("defaults");
        JsonNode recipe;
        Path file = Path.of(nameOrPath);
        if (BUNDLED.contains(nameOrPath)) {
            recipe = read(nameOrPath);
        } else if (Files.isRegularFile(file)) {
            recipe = YAML.readTree(file.toFile());
        } else {
            throw new IllegalArgumentException("unknown recipe '" + nameOrPath + "'; bundled: "
                    + String.join(", ", BUNDLED) + "; or give a YAML file");
        }
        merge(tree, recipe);
        for (String override : overrides) {
            apply(tree, override);
        }
        Recipe r;
        try {
            r = YAML.treeToValue(tree, Recipe.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown recipe key '" + e.getPropertyName() + "' in "
                    + e.getPath().stream().map(p -> p.getFieldName()).filter(n -> n != null)
                    .reduce((a, b) -> a + "." + b).orElse("the recipe") + "; valid: " + e.getKnownPropertyIds(), e);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // a closed choice's own message (e.g. schedule.kind's valid words)
            throw new IllegalArgumentException(e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage(),
                    e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("bad recipe value: " + e.getOriginalMessage(), e);
        }
        validate(r);
        return r;
    }

    /** The recipe as YAML, as saved in a run directory. */
    public static String toYaml(Recipe recipe) throws IOException {
        return YAML.writeValueAsString(recipe);
    }

    /** Reads a recipe saved by {@link #toYaml} (a run's {@code config.yaml}). */
    public static Recipe fromYaml(Path file) throws IOException {
        Recipe r = YAML.readValue(file.toFile(), Recipe.class);
        validate(r);
        return r;
    }

    /** One line per bundled recipe: its name and description. */
    public static List<String> describeBundled() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : BUNDLED) {
            lines.add(name + ": " + resolve(name, List.of()).description());
        }
        return lines;
    }

    private static JsonNode read(String name) throws IOException {
        try (InputStream in = Recipes.class.getResourceAsStream(DIR + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("bundled recipe missing: " + name);
            }
            return YAML.readTree(in);
        }
    }

    private static void merge(ObjectNode into, JsonNode from) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = into.get(f.getKey());
            if (existing instanceof ObjectNode obj && f.getValue().isObject()) {
                merge(obj, f.getValue());
            } else {
                into.set(f.getKey(), f.getValue());
            }
        }
    }

    private static void apply(ObjectNode tree, String override) throws IOException {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("an override is key=value, e.g. schedule.lr=0.05: '" + override + "'");
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        String text = override.substring(eq + 1).trim();
        JsonNode value = text.isEmpty() ? YAML.getNodeFactory().textNode("") : YAML.readTree(text);
        if (value == null || value.isMissingNode()) {
            value = YAML.getNodeFactory().textNode(text);
        }
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (!(child instanceof ObjectNode obj)) {
                throw new IllegalArgumentException("unknown recipe key '" + override.substring(0, eq)
                        + "'; sections: " + iterable(tree.fieldNames()));
            }
            node = obj;
        }
        String leaf = path[path.length - 1];
        if (!node.has(leaf)) {
            throw new IllegalArgumentException("unknown recipe key '" + override.substring(0, eq) + "'; valid: "
                    + iterable(node.fieldNames()));
        }
        node.set(leaf, value);
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void validate(Recipe r) {
        require(r.epochs() >= 1, "epochs must be at least 1: " + r.epochs());
        require(r.batchSize() >= 1, "batch_size must be at least 1: " + r.batchSize());
        Recipe.Optimizer o = r.optimizer();
        require(o.momentum() >= 0 && o.momentum() < 1, "optimizer.momentum must be in [0, 1): " + o.momentum());
        require(List.of("lasagne", "pytorch").contains(o.form()),
                "optimizer.form must be lasagne or pytorch: " + o.form());
        require(List.of("l2-penalty", "coupled", "decoupled").contains(o.decayForm()),
                "optimizer.decay_form must be l2-penalty, coupled or decoupled: " + o.decayForm());
        require(o.weightDecay() >= 0, "optimizer.weight_decay must be >= 0");
        Recipe.Schedule s = r.schedule();
        require(s.kind() != null, "schedule.kind is missing");
        require(s.lr() > 0, "schedule.lr must be positive: " + s.lr());
        require(s.kind() != ScheduleKind.SGDR || (s.t0() > 0 && s.tMult() >= 1), "sgdr needs t0 > 0 and t_mult >= 1");
        require(s.kind() != ScheduleKind.ONE_CYCLE || (s.pctStart() > 0 && s.pctStart() < 1 && s.divFactor() >= 1
                && s.finalDivFactor() >= 1), "one-cycle needs 0 < pct_start < 1 and div factors >= 1");
        require(List.of("none", "linear").contains(s.scaleWithBatch()),
                "schedule.scale_with_batch must be none or linear: " + s.scaleWithBatch());
        require(s.referenceBatch() >= 1, "schedule.reference_batch must be positive");
        require(s.warmupEpochs() >= 0 && s.warmupEpochs() < r.epochs(),
                "schedule.warmup_epochs must be in [0, epochs)");
        require(r.labelSmoothing() >= 0 && r.labelSmoothing() < 1, "label_smoothing must be in [0, 1)");
        require(r.ema().decay() >= 0 && r.ema().decay() < 1, "ema.decay must be in [0, 1)");
        require(r.gradClipNorm() >= 0, "grad_clip_norm must be >= 0");
        require(r.evalEvery() >= 1, "eval_every must be at least 1");
        require(r.logEverySteps() >= 1, "log_every_steps must be at least 1");
        require(r.checkpointEverySteps() >= 0, "checkpoint_every_steps must be >= 0");
        Recipe.Distill d = r.distill();
        require(d.temperature() > 0, "distill.temperature must be positive: " + d.temperature());
        require(d.alpha() >= 0 && d.alpha() <= (d.loss() == DistillLoss.HINTON ? 1 : Double.MAX_VALUE),
                "distill.alpha must be in [0, 1] for hinton, >= 0 for nkd: " + d.alpha());
        require(d.gamma() >= 0, "distill.gamma must be >= 0: " + d.gamma());
        Recipe.Prune p = r.prune();
        require(p.method() == PruneMethod.NONE || (p.amount() > 0 && p.amount() < 1),
                "prune.amount is the share of weights removed and must be in (0, 1): " + p.amount());
        require(p.start() >= 0 && p.end() >= p.start() && p.end() <= 1,
                "prune.start and prune.end are shares of the run with 0 <= start <= end <= 1: " + p.start() + ", "
                        + p.end());
        require(p.everySteps() >= 0, "prune.every_steps must be >= 0: " + p.everySteps());
    }

    /**
     * Checks that a recipe that distils has a teacher and one with a teacher distils.
     *
     * @throws IllegalArgumentException saying which is missing
     */
    public static void checkTeacher(Recipe r) {
        Recipe.Distill d = r.distill();
        if (d.loss() != DistillLoss.NONE && d.teacher().isBlank()) {
            throw new IllegalArgumentException("the recipe '" + r.name() + "' distils (distill.loss " + d.loss()
                    + ") and needs a teacher: --teacher RUN_DIR");
        }
        if (d.loss() == DistillLoss.NONE && !d.teacher().isBlank()) {
            throw new IllegalArgumentException("a teacher (" + d.teacher() + ") is given but distill.loss is none: "
                    + "use --recipe kd or --set distill.loss=hinton|nkd");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("bad recipe: " + message);
        }
    }
}
