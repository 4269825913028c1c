package dev.lowres.data.load;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything that shapes the batches of a {@link Loader}. Build with {@link #builder()}; required are the
 * dataset directory and the batch size.
 */
public final class LoaderConfig {
    /** Element type of the images in a batch. */
    public enum Output {
        /** Raw pixels, uint8. */
        UINT8,
        /** Normalised float32 (see {@link Normalization}). */
        FLOAT32
    }

    private final Path data;
    private final String split;
    private final int batchSize;
    private final EpochOrder order;
    private final long seed;
    private final boolean dropLast;
    private final int rank;
    private final int worldSize;
    private final int threads;
    private final int prefetch;
    private final Output output;
    private final Normalization normalization;
    private final String statisticsSplit;
    private final String augment;
    private final boolean verify;
    private final boolean mirrorCopies;

    private LoaderConfig(Builder b) {
        data = b.data;
        split = b.split;
        batchSize = b.batchSize;
        order = b.order;
        seed = b.seed;
        dropLast = b.dropLast;
        rank = b.rank;
        worldSize = b.worldSize;
        threads = b.threads;
        prefetch = b.prefetch <= 0 ? 2 * b.threads + 2 : b.prefetch;
        output = b.output;
        normalization = b.normalization;
        statisticsSplit = b.statisticsSplit;
        augment = b.augment;
        verify = b.verify;
        mirrorCopies = b.mirrorCopies;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path data() {
        return data;
    }

    public String split() {
        return split;
    }

    public int batchSize() {
        return batchSize;
    }

    public EpochOrder order() {
        return order;
    }

    public long seed() {
        return seed;
    }

    public boolean dropLast() {
        return dropLast;
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    public int threads() {
        return threads;
    }

    /** Batches that may be assembled ahead of the consumer (the number of batch buffers). */
    public int prefetch() {
        return prefetch;
    }

    public Output output() {
        return output;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The split whose statistics normalise (the training split, also when loading validation). */
    public String statisticsSplit() {
        return statisticsSplit;
    }

    public String augment() {
        return augment;
    }

    public boolean verify() {
        return verify;
    }

    /**
     * Whether an epoch holds every record twice, as it is and mirrored left to right (before augmentation), as the
     * downsampled-ImageNet paper's scripts do ({@code load_databatch} appends the flipped copy of the data): an
     * epoch of N records is then 2N samples.
     */
    public boolean mirrorCopies() {
        return mirrorCopies;
    }

    /** Builder with the defaults of training: shuffled, crop+flip off, float, per-channel normalisation. */
    public static final class Builder {
        private Path data;
        private String split = "train";
        private int batchSize;
        private EpochOrder order = EpochOrder.SHUFFLE;
        private long seed;
        private boolean dropLast;
        private int rank;
        private int worldSize = 1;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int prefetch;
        private Output output = Output.FLOAT32;
        private Normalization normalization = Normalization.CHANNEL;
        private String statisticsSplit = "train";
        private String augment = "none";
        private boolean verify;
        private boolean mirrorCopies;

        public Builder data(Path data) {
            this.data = data;
            return this;
        }

        public Builder split(String split) {
            this.split = split;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder order(EpochOrder order) {
            this.order = order;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** This process's rank among {@code worldSize} (data-parallel training). */
        public Builder shard(int rank, int worldSize) {
            this.rank = rank;
            this.worldSize = worldSize;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Batch buffers; 0 for the default of 2 x threads + 2. */
        public Builder prefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        public Builder output(Output output) {
            this.output = output;
            return this;
        }

        public Builder normalization(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        public Builder statisticsSplit(String statisticsSplit) {
            this.statisticsSplit = statisticsSplit;
            return this;
        }

        /** An augmentation spec (see {@link Augmentations}). */
        public Builder augment(String augment) {
            this.augment = augment;
            return this;
        }

        /** Every record twice per epoch: as it is and mirrored (the paper's protocol). */
        public Builder mirrorCopies(boolean mirrorCopies) {
            this.mirrorCopies = mirrorCopies;
            return this;
        }

        public Builder verify(boolean verify) {
            this.verify = verify;
            return this;
        }

        public LoaderConfig build() {
            Objects.requireNonNull(data, "the dataset directory is required");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
            if (worldSize < 1 || rank < 0 || rank >= worldSize) {
                throw new IllegalArgumentException("rank " + rank + " is not within world size " + worldSize);
            }
            return new LoaderConfig(this);
        }
    }
}
