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

    /**
     * The part of this subset that data-parallel rank {@code rank} of {@code world} evaluates: positions rank,
     * rank + world, ... (the robustness passes draw their noise per record, so the parts' results add up to the
     * whole's).
     */
    public Subset shard(int rank, int world) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " of world size " + world);
        }
        int k = (records.length - rank + world - 1) / world;
        int[] r = new int[Math.max(0, k)];
        int[] l = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = records[rank + i * world];
            l[i] = labels[rank + i * world];
        }
        return new Subset(r, l);
    }
}
