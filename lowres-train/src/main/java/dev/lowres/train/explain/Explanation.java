package dev.lowres.train.explain;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Several methods' attributions of one image to one class, with the network's top-5 for the image: what
 * {@code lowres explain} writes as JSON (beside its picture) and the workbench shows.
 *
 * @param target the class explained, as a network output index
 * @param targetWnid its wnid
 * @param label the image's true class (a network output index), or -1 where unknown (an upload)
 * @param top5 the five most probable classes and their probabilities
 * @param methods each method's numbers (the maps themselves are drawn, not written)
 */
@JsonPropertyOrder({"target", "target_wnid", "label", "top5", "methods"})
public record Explanation(int target, String targetWnid, int label, List<Ranked> top5, List<MethodResult> methods) {
    /** A class and its probability. */
    public record Ranked(int index, String wnid, String name, double probability) {
    }

    /** A method's numbers. */
    @JsonPropertyOrder({"method", "seconds", "deletion_area", "insertion_area", "deletion", "insertion", "note"})
    public record MethodResult(String method, double seconds, double deletionArea, double insertionArea,
                               double[] deletion, double[] insertion, String note) {
        static MethodResult of(Attribution a) {
            return new MethodResult(a.method().id(), round(a.seconds(), 4), round(a.faithfulness().deletionArea(), 5),
                    round(a.faithfulness().insertionArea(), 5), rounded(a.faithfulness().deletion()),
                    rounded(a.faithfulness().insertion()), a.note());
        }
    }

    /** The top-5 of {@code probabilities} over classes named by {@code wnids} and {@code names}. */
    public static List<Ranked> top5(float[] probabilities, List<String> wnids, List<String> names) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < probabilities.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(probabilities[b], probabilities[a]) != 0
                ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
        List<Ranked> out = new ArrayList<>();
        for (int i : order.subList(0, Math.min(5, order.size()))) {
            out.add(new Ranked(i, wnids.get(i), names.get(i), round(probabilities[i], 6)));
        }
        return out;
    }

    /** The explanation's numbers from its attributions. */
    public static Explanation of(int target, String targetWnid, int label, List<Ranked> top5, List<Attribution> all) {
        return new Explanation(target, targetWnid, label, top5, all.stream().map(MethodResult::of).toList());
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isFinite(v) ? Math.round(v * f) / f : v;
    }

    static double[] rounded(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = round(v[i], 5);
        }
        return out;
    }

    /**
     * The class to explain, as given: {@code predicted} (the most probable), {@code label} (the record's class,
     * {@code label} as a class of the network, -1 for none), a class index or a wnid of the network.
     *
     * @throws IllegalArgumentException for anything else, with the valid choices
     */
    public static int target(String target, float[] probabilities, int label, List<String> wnids) {
        String t = target.trim();
        if (t.equalsIgnoreCase("predicted")) {
            int best = 0;
            for (int i = 1; i < probabilities.length; i++) {
                if (probabilities[i] > probabilities[best]) {
                    best = i;
                }
            }
            return best;
        }
        if (t.equalsIgnoreCase("label")) {
            if (label < 0) {
                throw new IllegalArgumentException("target 'label': the record's class is not one of the run's");
            }
            return label;
        }
        if (t.matches("\\d+")) {
            int i = Integer.parseInt(t);
            if (i >= probabilities.length) {
                throw new IllegalArgumentException("target " + i + ": the run has " + probabilities.length + " classes");
            }
            return i;
        }
        int i = wnids.indexOf(t);
        if (i < 0) {
            throw new IllegalArgumentException("the target must be predicted, label, a class index or a wnid of the run: "
                    + target);
        }
        return i;
    }
}
