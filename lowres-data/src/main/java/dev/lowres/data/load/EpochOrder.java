package dev.lowres.data.load;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The order of an epoch's records, a pure function of (seed, epoch).
 */
public enum EpochOrder {
    /** Records in dataset order (evaluation). */
    SEQUENTIAL,
    /** A full Fisher-Yates shuffle (data that fits in the page cache). */
    SHUFFLE,
    /**
     * For data larger than memory: contiguous regions of records in shuffled order, taken a window of
     * regions at a time, with the records of each window shuffled among themselves. Reads stay within a few
     * megabytes of each other while the order remains well mixed (as FFCV's quasi-random order).
     */
    QUASI_RANDOM;

    /** Bytes of one region of the quasi-random order. */
    public static final int REGION_BYTES = 4 << 20;
    /** Regions shuffled together in the quasi-random order. */
    public static final int WINDOW_REGIONS = 16;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static EpochOrder parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (EpochOrder o : values()) {
            if (o.id().equals(t)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown order '" + text + "'; valid: sequential, shuffle, quasi-random");
    }

    /**
     * The records of one epoch, in order.
     *
     * @param n records in the split
     * @param bytesPerRecord record size, for the quasi-random regions
     */
    public int[] indices(int n, long seed, int epoch, int bytesPerRecord) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (this == SEQUENTIAL) {
            return order;
        }
        SplittableRandom random = Seeds.random(seed, epoch, 0, Seeds.SHUFFLE);
        if (this == SHUFFLE) {
            shuffle(order, 0, n, random);
            return order;
        }
        int region = Math.max(1, REGION_BYTES / Math.max(1, bytesPerRecord));
        int regions = (n + region - 1) / region;
        int[] regionOrder = new int[regions];
        for (int r = 0; r < regions; r++) {
            regionOrder[r] = r;
        }
        shuffle(regionOrder, 0, regions, random);
        int at = 0;
        for (int r = 0; r < regions; r++) {
            int start = regionOrder[r] * region;
            int end = Math.min(n, start + region);
            for (int i = start; i < end; i++) {
                order[at++] = i;
            }
        }
        // shuffle within windows of regions: the regions' records mix, reads stay local
        int windowRecords = region * WINDOW_REGIONS;
        for (int from = 0; from < n; from += windowRecords) {
            shuffle(order, from, Math.min(n, from + windowRecords), random);
        }
        return order;
    }

    /**
     * The part of an epoch's order that one of {@code worldSize} ranks takes: positions rank, rank + world,
     * ... so that every record is seen by exactly one rank, and ranks differ by at most one record.
     */
    public static int[] forRank(int[] order, int rank, int worldSize) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " of world size " + worldSize);
        }
        int count = (order.length - rank + worldSize - 1) / worldSize;
        int[] mine = new int[count];
        for (int i = 0; i < count; i++) {
            mine[i] = order[rank + i * worldSize];
        }
        return mine;
    }

    private static void shuffle(int[] a, int from, int to, SplittableRandom random) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
