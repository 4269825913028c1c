package dev.lowres.train.explain;

import dev.lowres.train.recipe.Word;

/** The attribution methods of {@link Explainer}. */
public enum Method implements Word {
    /** Simonyan, Vedaldi & Zisserman 2014: the gradient of the class score with respect to the pixels. */
    GRADIENT("gradient"),
    /** Smilkov et al. 2017: the gradient averaged over copies of the image with Gaussian noise. */
    SMOOTHGRAD("smoothgrad"),
    /** Sundararajan, Taly & Yan 2017: the path integral of the gradient from a black image, times the difference. */
    INTEGRATED_GRADIENTS("integrated-gradients"),
    /** Selvaraju et al. 2017: the last feature map weighted by its pooled gradient, rectified and upsampled. */
    GRAD_CAM("grad-cam"),
    /** Kapishnikov et al. 2019: image segments ranked greedily by their Integrated Gradients density. */
    XRAI("xrai");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static Method parse(String text) {
        return Word.parse(Method.class, "the method", text);
    }
}
