/**
 * The evaluate stage of DESIGN.md: a trained run's network loaded back ({@link dev.lowres.train.eval.TrainedModel}),
 * the same input normalisation as its training ({@link dev.lowres.train.eval.InputStats}), and the evaluation
 * past top-1 (accuracy, multi-label, calibration, corruptions, adversarial attacks, efficiency) that writes
 * {@code metrics.json}.
 */
package dev.lowres.train.eval;
