package dev.lowres.train.run;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a run directory:
 * <pre>
 * config.yaml               the resolved recipe (and the command, data and device as comments)
 * run.json                  what the run was started with and on ({@link RunRecord})
 * input.safetensors         the input normalisation evaluation must apply
 * metrics.jsonl             one JSON line per logging window, epoch or error ({@link MetricsLog})
 * checkpoints/last.safetensors, best.safetensors
 *                           weights with batch-norm statistics, momentum buffers, the weight average, and the
 *                           position ({@link Checkpoint}); written atomically
 * model.safetensors         the final weights (PyTorch reads them)
 * </pre>
 *
 * @param dir the directory
 */
public record RunDirectory(Path dir) {
    public static final String CONFIG = "config.yaml";
    public static final String RUN = "run.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String LAST = "checkpoints/last.safetensors";
    public static final String BEST = "checkpoints/best.safetensors";
    public static final String EXPORT = "model.safetensors";

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path runJson() {
        return dir.resolve(RUN);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path last() {
        return dir.resolve(LAST);
    }

    public Path best() {
        return dir.resolve(BEST);
    }

    public Path export() {
        return dir.resolve(EXPORT);
    }

    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /** Whether a run was started here (a config exists). */
    public boolean started() {
        return Files.exists(config());
    }

    /** Whether the run has something to resume from or to evaluate (a checkpoint or final weights). */
    public boolean hasWeights() {
        return Files.exists(last()) || Files.exists(export());
    }
}
