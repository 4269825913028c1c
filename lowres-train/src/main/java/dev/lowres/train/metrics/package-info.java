/**
 * Evaluation metrics in plain Java, for {@code lowres eval} and {@code lowres compare}: top-k, per-class
 * accuracy and confusion, calibration (ECE, NLL, Brier) and temperature scaling, multi-label (ReaL)
 * accuracy, and the statistics of seed studies and accuracy-vs-accuracy lines (linear and probit).
 */
package dev.lowres.train.metrics;
