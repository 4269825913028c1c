package dev.lowres.data.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The augmentation registry and the spec parser. A spec lists operations in the order they apply,
 * separated by {@code ,} or {@code +}, each with optional arguments in parentheses, positional or named:
 * {@code pad-crop(4), flip}, {@code random-resized-crop(scale_min=0.35), flip, randaugment(n=2, m=9)},
 * {@code paper, cutout(8), mixup(alpha=0.2)}. {@code none} (or an empty spec) is no augmentation.
 * Batch-level operations (Mixup, CutMix) go last. {@link #help()} documents every operation.
 */
public final class Augmentations {
    /** What an operation may depend on besides its arguments. */
    public record Context(int channels, int height, int width, int classes) {
    }

    /** Builds an operation from its call; returns a {@link SampleOp} or a {@link BatchOp}. */
    @FunctionalInterface
    public interface Factory {
        Object create(OpCall call, Context context);
    }

    private record Entry(Factory factory, String help) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        register("pad-crop", PadCrop::of, PadCrop.HELP);
        register("flip", HorizontalFlip::of, HorizontalFlip.HELP);
        alias("paper", "pad-crop(4), flip");
        AugmentationCatalog.registerAll();
    }

    private Augmentations() {
    }

    /** Adds an operation to the registry (done once, at class initialisation). */
    static void register(String name, Factory factory, String help) {
        REGISTRY.put(name, new Entry(factory, help));
    }

    /** Adds a name that stands for a whole spec. */
    static void alias(String name, String spec) {
        ALIASES.put(name, spec);
    }

    /** The registered operation names. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(REGISTRY.keySet());
        names.addAll(ALIASES.keySet());
        return Collections.unmodifiableList(names);
    }

    /** One line per operation and alias: its syntax, defaults and the paper it follows. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        REGISTRY.forEach((name, e) -> sb.append("  ").append(e.help()).append('\n'));
        ALIASES.forEach((name, spec) -> sb.append("  ").append(name).append(" = ").append(spec).append('\n'));
        return sb.toString();
    }

    /** A parsed spec: the per-record operations, then the batch-level ones. */
    public record Pipeline(List<SampleOp> sampleOps, List<BatchOp> batchOps) {
        /** The spec with every parameter spelled out. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            sampleOps.forEach(o -> parts.add(o.describe()));
            batchOps.forEach(o -> parts.add(o.describe()));
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }

        /** Whether batches carry soft targets (Mixup or CutMix present). */
        public boolean softTargets() {
            return !batchOps.isEmpty();
        }

        public static Pipeline none() {
            return new Pipeline(List.of(), List.of());
        }
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the spec, the operation at fault and what is valid
     */
    public static Pipeline parse(String spec, Context context) {
        String text = spec == null ? "" : spec.trim();
        if (text.isEmpty() || text.equalsIgnoreCase("none")) {
            return Pipeline.none();
        }
        List<SampleOp> sample = new ArrayList<>();
        List<BatchOp> batch = new ArrayList<>();
        try {
            for (OpCall call : expand(OpCall.parse(text))) {
                Entry entry = REGISTRY.get(call.name());
                if (entry == null) {
                    throw new IllegalArgumentException("unknown operation '" + call.name() + "'; valid: "
                            + String.join(", ", names()));
                }
                Object op = entry.factory().create(call, context);
                call.done();
                if (op instanceof BatchOp b) {
                    batch.add(b);
                } else if (op instanceof SampleOp s) {
                    if (!batch.isEmpty()) {
                        throw new IllegalArgumentException(call.name() + " comes after a batch-level operation ("
                                + batch.get(0).describe() + "); put Mixup and CutMix last");
                    }
                    sample.add(s);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad augmentation spec '" + spec + "': " + e.getMessage(), e);
        }
        return new Pipeline(List.copyOf(sample), List.copyOf(batch));
    }

    private static List<OpCall> expand(List<OpCall> calls) {
        List<OpCall> out = new ArrayList<>();
        for (OpCall call : calls) {
            String alias = ALIASES.get(call.name());
            if (alias == null) {
                out.add(call);
            } else {
                out.addAll(OpCall.parse(alias));
            }
        }
        return out;
    }

    /** Formats a parameter list for {@code describe()}: {@code name(a=1, b=2)}. */
    static String describe(String name, Object... keyValues) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            String text = v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(v);
            parts.add(keyValues[i] + "=" + text);
        }
        return parts.isEmpty() ? name : name + "(" + parts.stream().collect(Collectors.joining(", ")) + ")";
    }
}
