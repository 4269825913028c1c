package dev.lowres.data.interop;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link Exporter} does. Start from {@link #of} and change settings with the {@code with...} methods.
 *
 * @param format the layout to write
 * @param dataset the dataset directory to read
 * @param output the folder to write the files into
 * @param trainBatches how many {@code train_data_batch_<n>} files the {@code train} split is cut into
 *                     (consecutive, nearly equal); the published files have 10
 * @param overwrite whether files of this layout already in {@code output} are replaced
 */
public record ExportOptions(ExportFormat format, Path dataset, Path output, int trainBatches, boolean overwrite) {
    /** The number of train batches of the published files. */
    public static final int DEFAULT_TRAIN_BATCHES = 10;

    public ExportOptions {
        Objects.requireNonNull(format, "--format is required");
        Objects.requireNonNull(dataset, "--dataset is required");
        Objects.requireNonNull(output, "--output is required");
        if (trainBatches < 1) {
            throw new IllegalArgumentException("--train-batches must be at least 1: " + trainBatches);
        }
    }

    /** {@link ExportFormat#IMAGENET32_NPZ}, {@value #DEFAULT_TRAIN_BATCHES} train batches, no overwrite. */
    public static ExportOptions of(Path dataset, Path output) {
        return new ExportOptions(ExportFormat.IMAGENET32_NPZ, dataset, output, DEFAULT_TRAIN_BATCHES, false);
    }

    public ExportOptions withFormat(ExportFormat format) {
        return new ExportOptions(format, dataset, output, trainBatches, overwrite);
    }

    public ExportOptions withTrainBatches(int trainBatches) {
        return new ExportOptions(format, dataset, output, trainBatches, overwrite);
    }

    public ExportOptions withOverwrite(boolean overwrite) {
        return new ExportOptions(format, dataset, output, trainBatches, overwrite);
    }
}
