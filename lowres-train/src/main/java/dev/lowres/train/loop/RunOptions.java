package dev.lowres.train.loop;

import ai.djl.Device;
import dev.lowres.train.recipe.Recipe;
import java.nio.file.Path;
import java.util.List;

/**
 * What a training run needs besides its recipe.
 *
 * @param data the dataset directory
 * @param runDir the run directory (created; must not hold another run unless resuming it)
 * @param recipe the resolved recipe (ignored when resuming: the run's own config.yaml is used)
 * @param devices the devices (several: data-parallel, the batch split across them)
 * @param resume continue the run in {@code runDir} from its last checkpoint
 * @param command the command line, for the run's config
 */
public record RunOptions(Path data, Path runDir, Recipe recipe, List<Device> devices, boolean resume,
                         List<String> command) {
}
