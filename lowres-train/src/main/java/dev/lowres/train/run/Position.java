package dev.lowres.train.run;

/**
 * Where a run stands: the next batch to train and what it has done.
 *
 * @param epoch the epoch of the next batch
 * @param batch the next batch within that epoch
 * @param step optimizer steps done
 * @param bestTop1 the best validation top-1 so far (-infinity before the first evaluation)
 * @param epochTally the sums of the epoch so far
 * @param windowTally the sums of the logging window so far
 */
public record Position(int epoch, int batch, long step, double bestTop1, Tally epochTally, Tally windowTally) {
    /** A run's start. */
    public static final Position START = new Position(0, 0, 0, Double.NEGATIVE_INFINITY, Tally.ZERO, Tally.ZERO);
}
