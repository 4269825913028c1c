package dev.lowres.train.eval;

import java.util.List;

/**
 * What the network said about every record of a split, in split order; labels are network outputs (mapped
 * by wnid).
 *
 * @param keys each record's key (where it came from)
 * @param labels each record's true class, as a network output index
 * @param scores per record the logits, or with flip test-time augmentation the log of the averaged
 *     probabilities (so that a softmax of either gives the probabilities the predictions used)
 * @param seconds the pass's wall time (loading, forward, bookkeeping)
 */
public record Predictions(List<String> keys, int[] labels, float[][] scores, double seconds) {
    public int size() {
        return labels.length;
    }

    /** Softmax of a record's scores at temperature 1. */
    public float[] probabilities(int record) {
        return dev.lowres.train.metrics.Temperature.softmax(scores[record], 1.0);
    }
}
