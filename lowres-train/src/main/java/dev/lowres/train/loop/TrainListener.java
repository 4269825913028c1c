package dev.lowres.train.loop;

/** Receives a run's progress (from the training thread). */
public interface TrainListener {
    /** An epoch begins at batch {@code startBatch} of {@code batches}. */
    default void epochStarted(int epoch, int epochs, int batches, int startBatch) {
    }

    /** A step finished. */
    default void step(int epoch, int batch, long step, double loss, double lr, double imagesPerSecond) {
    }

    /** An epoch finished (and was evaluated when {@code metrics} has validation figures). */
    default void epochFinished(EpochMetrics metrics) {
    }

    /** A line worth showing (resumption, checkpoints). */
    default void note(String message) {
    }

    TrainListener NONE = new TrainListener() { };
}
