package dev.lowres.train.model;

import java.util.List;

/**
 * Registers the families beyond the paper's Wide ResNets (pre-activation ResNets, PyramidNet, a
 * depthwise-separable network, a small ViT), each in a class of its own.
 */
final class ModelCatalog {
    private ModelCatalog() {
    }

    static void registerAll() {
        ModelRegistry.register("preact-resnet-(\\d+)", "preact-resnet-<18|34|50|101|152>",
                "Pre-activation ResNet (He et al. 2016, Identity Mappings), CIFAR stem: 3x3 stride-1 conv, no "
                        + "max-pool; 64-512 channels, strides 1,2,2,2; bottlenecks from 50",
                List.of("preact-resnet-18", "preact-resnet-34", "preact-resnet-50"),
                (m, c, s, k) -> PreActResNet.create(number(m.group(1), "depth"), c, s, k));
        ModelRegistry.register("pyramidnet-(\\d+)-(\\d+)", "pyramidnet-<depth>-<alpha>",
                "Additive PyramidNet (Han et al. 2017), basic blocks, CIFAR layout (3 stages, 16 to 16+alpha "
                        + "channels), zero-padded avg-pool shortcuts; depth 6n+2 (the paper's widest: "
                        + "pyramidnet-110-270)",
                List.of("pyramidnet-110-48", "pyramidnet-20-48"),
                (m, c, s, k) -> PyramidNet.create(number(m.group(1), "depth"), number(m.group(2), "alpha"), c, s,
                        k));
        ModelRegistry.register("mobilenetv2(?:-(\\d+(?:\\.\\d+)?))?", "mobilenetv2[-<width multiplier>]",
                "MobileNetV2 (Sandler et al. 2018), inverted residuals, depthwise 3x3, ReLU6; the first stride-2 "
                        + "stages removed to end at 4x4 (stem and 24-ch stage at 32 px)",
                List.of("mobilenetv2", "mobilenetv2-0.5"),
                (m, c, s, k) -> MobileNetV2.create(m.group(0), m.group(1) == null ? 1.0
                        : Double.parseDouble(m.group(1)), c, s, k));
        ModelRegistry.register("vit-(tiny|small|base)(?:-p(\\d+))?", "vit-<tiny|small|base>[-p<patch>]",
                "Vision Transformer (Dosovitskiy et al. 2021), pre-norm, class token, learned positions; patch 4 "
                        + "by default (tiny: dim 192, depth 12, 3 heads, MLP 768; also vit-small, vit-base)",
                List.of("vit-tiny", "vit-tiny-p8"),
                (m, c, s, k) -> VisionTransformer.create(m.group(1), m.group(2) == null
                        ? VisionTransformer.DEFAULT_PATCH : number(m.group(2), "patch size"), c, s, k));
    }

    /** A number from a name, with a clear error when it does not fit an int. */
    private static int number(String digits, String what) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " out of range: " + digits, e);
        }
    }
}
