package dev.lowres.train.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The networks lowres trains, by name. A name is looked up by pattern (e.g. {@code wrn-28-10} matches
 * {@code wrn-<depth>-<width>}); an unknown name fails fast with every valid pattern and example.
 */
public final class ModelRegistry {
    /** Makes a network from a name's captured groups. */
    @FunctionalInterface
    public interface Factory {
        Network create(Matcher name, int channels, int imageSize, int classes);
    }

    /**
     * One family of networks.
     *
     * @param pattern the names it answers, as a regular expression
     * @param syntax the pattern as users read it, e.g. {@code wrn-<depth>-<width>}
     * @param description one line: what it is and the paper it follows
     * @param examples names that {@code lowres models} lists
     */
    public record Entry(Pattern pattern, String syntax, String description, List<String> examples, Factory factory) {
    }

    private static final List<Entry> ENTRIES = new ArrayList<>();

    static {
        register("wrn-(\\d+)-(\\d+)", "wrn-<depth>-<width>",
                "Wide ResNet of the downsampled-ImageNet paper (Chrabaszcz et al. 2017): pre-activation, 2/3/4 "
                        + "stages for 16/32/64 px", List.of("wrn-28-2", "wrn-28-10", "wrn-36-2", "wrn-20-1"),
                (m, c, s, k) -> WideResNet.create(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), c, s, k));
        register("wrn-(\\d+)-(\\d+)@(\\d+(?:,\\d+)*)", "wrn-<depth>-<width>@<c0>,<c1>,...",
                "a channel-pruned Wide ResNet (lowres prune --method channels): c_i channels inside block i",
                List.of("wrn-16-2@16,12,20,24,40,38"), (m, c, s, k) -> WideResNet.create(Integer.parseInt(m.group(1)),
                        Integer.parseInt(m.group(2)), java.util.Arrays.stream(m.group(3).split(","))
                                .mapToInt(Integer::parseInt).toArray(), c, s, k));
        ModelCatalog.registerAll();
    }

    private ModelRegistry() {
    }

    /** Adds a family (at class initialisation). */
    static void register(String regex, String syntax, String description, List<String> examples, Factory factory) {
        ENTRIES.add(new Entry(Pattern.compile(regex), syntax, description, List.copyOf(examples), factory));
    }

    public static List<Entry> entries() {
        return Collections.unmodifiableList(ENTRIES);
    }

    /**
     * Makes the network called {@code name} for inputs of {@code channels} x {@code imageSize} x
     * {@code imageSize} and {@code classes} outputs.
     *
     * @throws IllegalArgumentException for an unknown name (listing the valid ones) or a size the network
     *                                  does not take
     */
    public static Network create(String name, int channels, int imageSize, int classes) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Entry e : ENTRIES) {
            Matcher m = e.pattern().matcher(key);
            if (m.matches()) {
                return e.factory().create(m, channels, imageSize, classes);
            }
        }
        StringBuilder valid = new StringBuilder();
        for (Entry e : ENTRIES) {
            valid.append(valid.length() == 0 ? "" : "; ").append(e.syntax()).append(" (e.g. ")
                    .append(String.join(", ", e.examples())).append(')');
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; valid: " + valid);
    }
}
