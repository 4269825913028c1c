package dev.lowres.data.load;

/**
 * Registers the augmentations beyond crop and flip (random-resized-crop, RandAugment, GridMask, Cutout,
 * Random Erasing, Mixup, CutMix). Kept apart from {@link Augmentations} so that each lives in its own class.
 */
final class AugmentationCatalog {
    private AugmentationCatalog() {
    }

    static void registerAll() {
        // filled in as the operations are written
    }
}
