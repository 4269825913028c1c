package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * A per-record augmentation. Its randomness comes only from the generator it is given, which derives from
 * (seed, epoch, record index), so a record gets the same augmentation whatever thread, batch or rank takes it.
 * Implementations are immutable and thread-safe.
 */
public interface SampleOp {
    /** Augments one record in place. */
    void apply(SampleImage image, SplittableRandom random);

    /** The operation with all its parameters, in the spec syntax (e.g. {@code pad-crop(pad=4, fill=mean)}). */
    String describe();
}
