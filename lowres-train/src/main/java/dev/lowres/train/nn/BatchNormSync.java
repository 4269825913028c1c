package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Synchronised batch normalisation ({@code torch.nn.SyncBatchNorm}): while a sync is entered on a thread, every
 * {@link BatchNorm} that this thread runs in training mode normalises by the statistics of the whole global batch
 * (all data-parallel ranks' images) instead of its own rank's, and its backward pass sums the statistics'
 * gradients over the ranks, so that the gradients are those of one process normalising the global batch.
 */
public interface BatchNormSync {
    /** The ranks whose batches are normalised together (each contributes the same number of images). */
    int ranks();

    /**
     * A tensor whose value is the sum of {@code local} over the ranks and whose gradient, in the backward pass,
     * is the sum over the ranks of the gradients each computed for it.
     */
    Tensor sumOverRanks(Tensor local);

    /** Enters {@code sync} on this thread until the scope is closed. */
    static Scope enter(BatchNormSync sync) {
        BatchNormSync previous = Scope.CURRENT.get();
        Scope.CURRENT.set(sync);
        return new Scope(previous);
    }

    /** The sync entered on this thread, or null. */
    static BatchNormSync current() {
        return Scope.CURRENT.get();
    }

    /** An entered sync; closing it restores the previous one. */
    final class Scope implements AutoCloseable {
        private static final ThreadLocal<BatchNormSync> CURRENT = new ThreadLocal<>();
        private final BatchNormSync previous;

        private Scope(BatchNormSync previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }
}
