package dev.lowres.train.loop;

import dev.lowres.train.dist.Overlap;
import dev.lowres.train.dist.World;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.recipe.Recipe;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run needs besides its recipe.
 *
 * @param data the dataset directory
 * @param runDir the run directory (created; must not hold another run unless resuming it)
 * @param recipe the resolved recipe (ignored when resuming: the run's own config.yaml is used)
 * @param device the device
 * @param precision the precision (auto is resolved for the device)
 * @param channelsLast keep weights and activations channels-last (faster convolutions on CPU and GPU)
 * @param resume continue the run in {@code runDir} from its last checkpoint
 * @param command the command line, for the run's config
 * @param world this process's place in a data-parallel group, or null to train alone
 * @param checkSyncEvery with a world: check every so many steps that all ranks hold the same weights (0: never)
 * @param syncBatchNorm with a world: batch norm normalises by the statistics of the global batch
 * @param overlap with a world: whether the gradients' all-reduce overlaps the backward pass
 */
public record RunOptions(Path data, Path runDir, Recipe recipe, Device device, Precision precision,
                         boolean channelsLast, boolean resume, List<String> command, World world,
                         int checkSyncEvery, boolean syncBatchNorm, Overlap overlap) {
    public RunOptions {
        overlap = overlap == null ? Overlap.AUTO : overlap;
        if (checkSyncEvery < 0) {
            throw new IllegalArgumentException("the weight check interval must be >= 0: " + checkSyncEvery);
        }
    }

    /** Options of a process that trains alone. */
    public RunOptions(Path data, Path runDir, Recipe recipe, Device device, Precision precision,
                      boolean channelsLast, boolean resume, List<String> command) {
        this(data, runDir, recipe, device, precision, channelsLast, resume, command, null, 0, false, Overlap.AUTO);
    }

    /**
     * These options as one rank of {@code world}, checking the weights every {@code checkSyncEvery} steps, batch
     * norm synchronised over the ranks when {@code syncBatchNorm}, the all-reduce overlapped as {@code overlap} says.
     */
    public RunOptions inWorld(World world, int checkSyncEvery, boolean syncBatchNorm, Overlap overlap) {
        return new RunOptions(data, runDir, recipe, device, precision, channelsLast, resume, command, world,
                checkSyncEvery, syncBatchNorm, overlap);
    }

    /** Options on the CPU in fp32, channels-last. */
    public static RunOptions cpu(Path data, Path runDir, Recipe recipe, boolean resume, List<String> command) {
        return new RunOptions(data, runDir, recipe, Device.cpu(), Precision.FP32, true, resume, command);
    }
}
