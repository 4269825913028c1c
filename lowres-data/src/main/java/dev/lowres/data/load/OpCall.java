package dev.lowres.data.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One operation of an augmentation spec as written: {@code name(arg, key=value, ...)}, with typed access to
 * its arguments that reports unknown or malformed ones clearly. Positional arguments fill the parameters
 * in the order they are asked for.
 */
public final class OpCall {
    private final String name;
    private final List<String> positional;
    private final Map<String, String> named;
    private final Set<String> asked = new LinkedHashSet<>();
    private int positionalUsed;

    OpCall(String name, List<String> positional, Map<String, String> named) {
        this.name = name;
        this.positional = positional;
        this.named = named;
    }

    public String name() {
        return name;
    }

    /** A number parameter with a default; {@code min}/{@code max} bound it (inclusive). */
    public double number(String parameter, double defaultValue, double min, double max) {
        String text = take(parameter);
        if (text == null) {
            return defaultValue;
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error(parameter + " must be a number, not '" + text + "'");
        }
        if (!(v >= min && v <= max)) {
            throw error(parameter + " must be between " + fmt(min) + " and " + fmt(max) + ", not " + text);
        }
        return v;
    }

    /** An integer parameter with a default, bounded (inclusive). */
    public int integer(String parameter, int defaultValue, int min, int max) {
        double v = number(parameter, defaultValue, min, max);
        if (v != Math.rint(v)) {
            throw error(parameter + " must be a whole number, not " + fmt(v));
        }
        return (int) v;
    }

    /** A word parameter that must be one of {@code choices} (the first is the default). */
    public String choice(String parameter, String... choices) {
        String text = take(parameter);
        if (text == null) {
            return choices[0];
        }
        for (String c : choices) {
            if (c.equals(text.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw error(parameter + " must be one of " + String.join(", ", choices) + ", not '" + text + "'");
    }

    /** Fails when arguments were given that no parameter took. */
    public void done() {
        if (positionalUsed < positional.size()) {
            throw error("takes at most " + positionalUsed + " unnamed argument" + (positionalUsed == 1 ? "" : "s")
                    + " (" + String.join(", ", asked) + "), got " + positional.size());
        }
        for (String key : named.keySet()) {
            if (!asked.contains(key)) {
                throw error("has no parameter '" + key + "'; its parameters: " + String.join(", ", asked));
            }
        }
    }

    /** An error about this operation, for the spec parser to report with the whole spec. */
    public IllegalArgumentException error(String message) {
        return new IllegalArgumentException(name + " " + message);
    }

    private String take(String parameter) {
        asked.add(parameter);
        String named = this.named.get(parameter);
        if (named != null) {
            return named;
        }
        if (positionalUsed < positional.size()) {
            return positional.get(positionalUsed++);
        }
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Splits a spec into calls: operations separated by ',' or '+', arguments in parentheses. */
    static List<OpCall> parse(String spec) {
        List<OpCall> calls = new ArrayList<>();
        String text = spec.trim();
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && text.charAt(i) != '(' && text.charAt(i) != ',' && text.charAt(i) != '+') {
                i++;
            }
            String name = text.substring(start, i).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty operation at position " + start);
            }
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("bad operation name '" + name + "'");
            }
            List<String> positional = new ArrayList<>();
            Map<String, String> named = new LinkedHashMap<>();
            if (i < text.length() && text.charAt(i) == '(') {
                int close = text.indexOf(')', i);
                if (close < 0) {
                    throw new IllegalArgumentException(name + ": missing ')'");
                }
                String args = text.substring(i + 1, close).trim();
                if (!args.isEmpty()) {
                    for (String arg : args.split(",")) {
                        String a = arg.trim();
                        int eq = a.indexOf('=');
                        if (eq >= 0) {
                            String key = a.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                            if (key.isEmpty()) {
                                throw new IllegalArgumentException(name + ": an argument with no name before '='");
                            }
                            named.put(key, a.substring(eq + 1).trim());
                        } else {
                            if (!named.isEmpty()) {
                                throw new IllegalArgumentException(name + ": an unnamed argument after a named one");
                            }
                            positional.add(a);
                        }
                    }
                }
                i = close + 1;
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            calls.add(new OpCall(name, positional, named));
            if (i < text.length()) {
                char sep = text.charAt(i);
                if (sep != ',' && sep != '+') {
                    throw new IllegalArgumentException("expected ',' or '+' after " + name + " at position " + i);
                }
                i++;
                if (i >= text.length()) {
                    throw new IllegalArgumentException("spec ends with '" + sep + "'");
                }
            }
        }
        return calls;
    }
}
