package dev.lowres.data.load;

/**
 * Registers the augmentations beyond crop and flip (random-resized-crop, RandAugment, GridMask, Cutout,
 * Random Erasing, Mixup, CutMix). Kept apart from {@link Augmentations} so that each lives in its own class.
 */
final class AugmentationCatalog {
    private AugmentationCatalog() {
    }

    static void registerAll() {
        Augmentations.register("random-resized-crop", RandomResizedCrop::of, RandomResizedCrop.HELP);
        Augmentations.register("randaugment", RandAugment::of, RandAugment.HELP);
        Augmentations.register("gridmask", GridMask::of, GridMask.HELP);
        Augmentations.register("cutout", Cutout::of, Cutout.HELP);
        Augmentations.register("random-erasing", RandomErasing::of, RandomErasing.HELP);
        Augmentations.register("mixup", Mixup::of, Mixup.HELP);
        Augmentations.register("cutmix", CutMix::of, CutMix.HELP);
    }
}
