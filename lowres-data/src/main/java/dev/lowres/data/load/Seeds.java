package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from (seed, epoch, index, purpose): the same inputs give the same
 * stream whatever thread asks, so batches do not depend on the thread count or on where a run resumed.
 */
public final class Seeds {
    /** Purposes, so that, e.g., the shuffle and the augmentation of sample 0 draw different numbers. */
    public static final long SHUFFLE = 0x5348554646L;
    public static final long SAMPLE = 0x53414d504cL;
    public static final long BATCH = 0x4241544348L;

    private Seeds() {
    }

    /** A generator for one purpose at one (epoch, index). */
    public static SplittableRandom random(long seed, long epoch, long index, long purpose) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ epoch);
        h = mix(h ^ index);
        h = mix(h ^ purpose);
        return new SplittableRandom(h);
    }

    /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
