package dev.lowres.train.metrics;

import java.util.List;

/**
 * Calibration of one evaluation's probabilities.
 *
 * <ul>
 *   <li>ECE, expected calibration error (Naeini, Cooper &amp; Hauskrecht 2015, "Obtaining Well Calibrated
 *       Probabilities Using Bayesian Binning"; as used by Guo, Pleiss, Sun &amp; Weinberger 2017, "On
 *       Calibration of Modern Neural Networks"): {@code sum_b |acc_b - conf_b| * n_b / N} over
 *       equal-width confidence bins; MCE, the maximum calibration error: {@code max_b |acc_b - conf_b|}
 *       over non-empty bins. Confidence is the highest probability, the prediction its class.</li>
 *   <li>NLL: the mean of {@code -ln p_label}, with {@code p_label} clamped below at
 *       {@value CalibrationAccumulator#MIN_PROBABILITY} so that one zero gives a large finite penalty
 *       ({@code -ln 1e-12 = 27.63}) rather than infinity.</li>
 *   <li>Brier score (Brier 1950, "Verification of forecasts expressed in terms of probability"), the
 *       multi-class form: the mean over records of {@code sum_k (p_k - y_k)^2}, from 0 (certain and right)
 *       to 2 (certain and wrong).</li>
 * </ul>
 *
 * @param records records added
 * @param accuracy share of records whose highest-probability class is the label (NaN without records)
 * @param meanConfidence mean of the highest probability (NaN without records)
 * @param ece expected calibration error (NaN without records)
 * @param mce maximum calibration error (NaN without records)
 * @param nll mean negative log-likelihood, natural log (NaN without records)
 * @param brier mean multi-class Brier score (NaN without records)
 * @param bins the reliability diagram, lowest bin first
 */
public record CalibrationResult(long records, double accuracy, double meanConfidence, double ece, double mce,
                                double nll, double brier, List<ReliabilityBin> bins) {
    /** Makes the bin list unmodifiable. */
    public CalibrationResult {
        bins = List.copyOf(bins);
    }
}
