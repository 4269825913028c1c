package dev.lowres.train.loop;

/**
 * One epoch's figures, as written to {@code metrics.jsonl} ({@code "type": "epoch"}); validation figures
 * are NaN when the epoch was not evaluated.
 *
 * @param epoch 0-based epoch
 * @param step optimizer steps done at the end of the epoch
 * @param lr the rate of the epoch's last step
 * @param trainLoss mean training loss over the epoch's steps (this run's steps, after a resume)
 * @param trainTop1 training accuracy on the augmented batches (against the records' own labels)
 * @param valLoss validation loss
 * @param valTop1 validation top-1
 * @param valTop5 validation top-5
 * @param emaValTop1 validation top-1 of the weight average (NaN without one)
 * @param seconds the epoch's wall time (training and evaluation)
 * @param imagesPerSecond training images per second
 */
public record EpochMetrics(int epoch, long step, double lr, double trainLoss, double trainTop1, double valLoss,
                           double valTop1, double valTop5, double emaValTop1, double seconds, double imagesPerSecond) {
}
