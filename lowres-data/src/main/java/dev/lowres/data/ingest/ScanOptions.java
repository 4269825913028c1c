package dev.lowres.data.ingest;

import dev.lowres.data.classes.ClassOrder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to read an input tree.
 *
 * @param classOrder how classes are numbered
 * @param everyNthClass keep every n-th class of the sorted folder list (1 keeps all), as the published
 *                      resizer's {@code --every_nth}
 * @param maxPerClass keep at most this many images per class, the first by file name (0 keeps all)
 * @param valLabels a validation label file (LOC_val_solution.csv, the ILSVRC2015 clsloc ground truth, or
 *                  "file wnid" lines); null to look for one
 * @param splitName the split name for a tree that is not an ILSVRC root ({@code train} for class folders
 *                  and {@code val} for a flat folder or the ImageNetV2 layout when null)
 * @param layout how class folders name their classes (see {@link TreeLayout})
 */
public record ScanOptions(ClassOrder classOrder, int everyNthClass, int maxPerClass, Path valLabels,
                          String splitName, TreeLayout layout) {
    public ScanOptions {
        Objects.requireNonNull(layout, "layout");
        if (everyNthClass < 1) {
            throw new IllegalArgumentException("--every-nth-class must be at least 1: " + everyNthClass);
        }
        if (maxPerClass < 0) {
            throw new IllegalArgumentException("--max-per-class must be 0 (all) or positive: " + maxPerClass);
        }
    }

    /** Defaults: sorted classes, everything kept, labels and layout found automatically. */
    public static ScanOptions defaults() {
        return new ScanOptions(ClassOrder.SORTED, 1, 0, null, null, TreeLayout.AUTO);
    }
}
