package dev.lowres.data.store;

import dev.lowres.data.classes.ClassEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The classes of a split that hold no record: a class folder with no usable image (every file skipped as
 * bad, or none at all), a class that {@code --max-per-class} or the validation labels left empty, or one of
 * ImageNetV2's absent folders. Such a class still has its label, so a model trained on the split never sees
 * it; builds and {@code lowres info} report them.
 *
 * @param split the split's name
 * @param classes how many classes the dataset has
 * @param wnids the empty classes' wnids, in label order
 */
public record EmptyClasses(String split, int classes, List<String> wnids) {
    public EmptyClasses {
        wnids = List.copyOf(wnids);
    }

    /** The splits of {@code manifest} that have empty classes, in split order. */
    public static List<EmptyClasses> of(Manifest manifest) {
        List<EmptyClasses> found = new ArrayList<>();
        for (Map.Entry<String, Manifest.Split> e : manifest.splits().entrySet()) {
            long[] counts = e.getValue().classCounts();
            if (counts == null) {
                continue;
            }
            List<String> empty = new ArrayList<>();
            for (ClassEntry c : manifest.classes()) {
                if (c.index() < counts.length && counts[c.index()] == 0) {
                    empty.add(c.wnid());
                }
            }
            if (!empty.isEmpty()) {
                found.add(new EmptyClasses(e.getKey(), manifest.classes().size(), empty));
            }
        }
        return List.copyOf(found);
    }

    /** One line for a summary, e.g. {@code train: 2 of 10 classes have no record: n01440764, n01443537}. */
    public String describe() {
        int show = Math.min(5, wnids.size());
        return split + ": " + wnids.size() + " of " + classes + " classes have no record: "
                + String.join(", ", wnids.subList(0, show))
                + (wnids.size() > show ? " and " + (wnids.size() - show) + " more" : "");
    }
}
