package dev.lowres.train.prune;

/**
 * The share of weights pruned at each step: Zhu &amp; Gupta 2017, "To prune, or not to prune", eq. 1: from
 * {@code start} the sparsity rises every {@code every} steps as {@code s_t = s_f (1 - (1 - (t - t0) / (n dt))^3)}
 * until it reaches the final sparsity {@code s_f} at {@code end}, pruning fast while many redundant weights remain
 * and slowly as few are left. {@code start == end} is one-shot pruning: the whole amount before the first step.
 *
 * @param target the final sparsity s_f, in (0, 1)
 * @param start the first step that prunes (t0)
 * @param end the step from which the sparsity is s_f (t0 + n dt)
 * @param every steps between two rises (dt)
 */
public record SparsitySchedule(double target, long start, long end, long every) {
    public SparsitySchedule {
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("the pruning amount must be in (0, 1): " + target);
        }
        if (start < 0 || end < start || every < 1) {
            throw new IllegalArgumentException("a pruning schedule needs 0 <= start <= end and every >= 1: " + start
                    + ", " + end + ", " + every);
        }
    }

    /** One-shot pruning of {@code target} before the first step. */
    public static SparsitySchedule oneShot(double target) {
        return new SparsitySchedule(target, 0, 0, 1);
    }

    /** The sparsity in force during {@code step} (0 before {@code start}). */
    public double at(long step) {
        if (step < start) {
            return 0;
        }
        if (step >= end) {
            return target;
        }
        long done = (step - start) / every * every;
        double left = 1 - (double) done / (end - start);
        return target * (1 - left * left * left);
    }
}
