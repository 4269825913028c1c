package dev.lowres.train.explain;

/**
 * One method's attribution of one image to one class.
 *
 * @param method how it was computed
 * @param target the class explained (a network output index)
 * @param height the map's height (the image's)
 * @param width the map's width
 * @param map one score per pixel, row-major; higher means more important (the magnitude over channels for the
 *            gradient methods, the rectified map for Grad-CAM, the segment's density for XRAI)
 * @param faithfulness the deletion and insertion curves of the map
 * @param seconds the wall time of the attribution (not of its faithfulness curves)
 * @param note what the method could not do, or a check it reports (Integrated Gradients' completeness gap); may be null
 */
public record Attribution(Method method, int target, int height, int width, float[] map, Faithfulness faithfulness,
                          double seconds, String note) {
}
