package dev.lowres.data.load;

import java.util.SplittableRandom;

/** Mirrors the record left to right with probability {@code p} (0.5 by default, as every ImageNet recipe). */
final class HorizontalFlip implements SampleOp {
    static final String HELP = "flip(p=0.5)  horizontal flip with probability p";

    private final double p;

    HorizontalFlip(double p) {
        this.p = p;
    }

    static HorizontalFlip of(OpCall call, Augmentations.Context context) {
        return new HorizontalFlip(call.number("p", 0.5, 0, 1));
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        if (random.nextDouble() < p) {
            image.flipHorizontally();
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("flip", "p", p);
    }
}
