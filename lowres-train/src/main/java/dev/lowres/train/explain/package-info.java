/**
 * Explanations of a trained network's decisions on one image: attribution maps by the gradient, SmoothGrad,
 * Integrated Gradients, Grad-CAM and XRAI ({@link dev.lowres.train.explain.Explainer}), their deletion and insertion
 * curves so that methods compare by number ({@link dev.lowres.train.explain.Faithfulness}), and the maps drawn
 * over the image ({@link dev.lowres.train.explain.Heatmap}). Used by {@code lowres explain} and the workbench.
 */
package dev.lowres.train.explain;
