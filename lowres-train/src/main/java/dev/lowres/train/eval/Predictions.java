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
        return softmax(scores[record], 1.0);
    }

    /** A numerically stable softmax of {@code logits / temperature}. */
    public static float[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((logits[i] - max) / temperature);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
