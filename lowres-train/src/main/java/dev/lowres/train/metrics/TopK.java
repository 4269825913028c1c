package dev.lowres.train.metrics;

/**
 * The indices of the highest scores.
 *
 * <p>Order: descending score; equal scores (including {@code -0.0f == 0.0f}) by the lower index first. NaN
 * ranks above every number, as in {@code torch.sort} and {@code torch.topk}. For distinct values this is
 * the order {@code torch.topk(scores, k)} returns on CPU; for ties PyTorch does not promise an order, and
 * lowres fixes the lower index so that results do not depend on the engine.
 */
public final class TopK {
    private TopK() {
    }

    /**
     * The indices of the {@code k} highest scores, highest first.
     *
     * @param scores probabilities or logits of one record
     * @param k how many; more than {@code scores.length} gives all of them
     * @return {@code min(k, scores.length)} indices
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public static int[] indices(float[] scores, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative: " + k);
        }
        int m = Math.min(k, scores.length);
        int[] top = new int[m];
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            if (filled == m && (m == 0 || !ranksBefore(scores, i, top[m - 1]))) {
                continue;
            }
            int pos = filled < m ? filled++ : m - 1;
            while (pos > 0 && ranksBefore(scores, i, top[pos - 1])) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }

    /** The index of the highest score (the lowest such index on ties); -1 for no scores. */
    public static int argmax(float[] scores) {
        int best = -1;
        for (int i = 0; i < scores.length; i++) {
            if (best < 0 || ranksBefore(scores, i, best)) {
                best = i;
            }
        }
        return best;
    }

    /** Whether score i comes before score j in the order above. */
    static boolean ranksBefore(float[] s, int i, int j) {
        float a = s[i];
        float b = s[j];
        boolean aNaN = Float.isNaN(a);
        boolean bNaN = Float.isNaN(b);
        if (aNaN || bNaN) {
            return aNaN && (!bNaN || i < j);
        }
        return a > b || (a == b && i < j);
    }
}
