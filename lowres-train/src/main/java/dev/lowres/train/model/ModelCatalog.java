package dev.lowres.train.model;

/**
 * Registers the families beyond the paper's Wide ResNets (pre-activation ResNets, PyramidNet, a
 * depthwise-separable network, a small ViT), each in a class of its own.
 */
final class ModelCatalog {
    private ModelCatalog() {
    }

    static void registerAll() {
        // filled in as the families are written
    }
}
