package dev.lowres.train.report;

import dev.lowres.train.eval.result.EvalMetrics;

/**
 * One evaluated (run, eval set) for {@link CompareReport}.
 *
 * @param runDir the run directory, as the user named it (identifies the run across eval sets)
 * @param model the model's registry name
 * @param recipe the recipe's name
 * @param seed the run's seed
 * @param seedGroup the key shared by runs that differ only by seed (e.g. model + recipe + options)
 * @param evalName the eval set's name (e.g. {@code val}, {@code imagenetv2})
 * @param metrics the {@code metrics.json} of that evaluation
 */
public record CompareRow(String runDir, String model, String recipe, long seed, String seedGroup, String evalName,
                         EvalMetrics metrics) {
}
