package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * A batch-level augmentation (Mixup, CutMix) on finished float images and their soft targets; its
 * randomness derives from (seed, epoch, batch index). Implementations are immutable and thread-safe.
 */
public interface BatchOp {
    /** Mixes the batch in place. */
    void apply(FloatBatch batch, SplittableRandom random);

    /** The operation with all its parameters, in the spec syntax. */
    String describe();
}
