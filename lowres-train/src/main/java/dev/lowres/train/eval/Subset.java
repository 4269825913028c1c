package dev.lowres.train.eval;

import dev.lowres.data.load.SplitView;

/**
 * The records of a split that the robustness passes run on: evenly spaced, so every part of the split
 * (and, in a class-ordered split, every class) is represented.
 *
 * @param records split positions, ascending
 * @param labels their true classes as network outputs
 */
public record Subset(int[] records, int[] labels) {
    /** {@code count} evenly spaced records of {@code view} ({@code count <= 0} or beyond the split: all). */
    public static Subset of(SplitView view, ClassMapping mapping, int count) {
        int n = view.size();
        int k = count <= 0 ? n : Math.min(count, n);
        int[] records = new int[k];
        int[] labels = new int[k];
        for (int i = 0; i < k; i++) {
            records[i] = (int) ((long) i * n / k);
            labels[i] = mapping.toModel(view.label(records[i]));
        }
        return new Subset(records, labels);
    }

    public int size() {
        return records.length;
    }
}
