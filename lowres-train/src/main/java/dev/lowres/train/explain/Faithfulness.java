package dev.lowres.train.explain;

/**
 * Deletion and insertion curves of an attribution map (Petsiuk, Das & Saenko 2018, "RISE: Randomized Input
 * Sampling for Explanation of Black-box Models"): the target class's probability as the map's most important
 * pixels are removed first (replaced by black; a faithful map makes it fall fast: a low area), and as they are
 * put back first into a blurred copy of the image (a faithful map makes it rise fast: a high area). Both are
 * sampled at {@code steps + 1} evenly spaced fractions of the pixels, 0 to 1; ties in the map are broken by
 * pixel order so that the curves are reproducible.
 *
 * @param deletion the probability after removing 0, 1/steps, ..., all of the pixels
 * @param insertion the probability after inserting 0, 1/steps, ..., all of the pixels
 * @param deletionArea the area under the deletion curve (trapezoids over [0, 1]; lower is better)
 * @param insertionArea the area under the insertion curve (higher is better)
 */
public record Faithfulness(double[] deletion, double[] insertion, double deletionArea, double insertionArea) {
    /** The area under a curve sampled evenly over [0, 1], by trapezoids. */
    public static double area(double[] curve) {
        if (curve.length < 2) {
            return curve.length == 1 ? curve[0] : Double.NaN;
        }
        double sum = 0;
        for (int i = 1; i < curve.length; i++) {
            sum += (curve[i - 1] + curve[i]) / 2;
        }
        return sum / (curve.length - 1);
    }
}
