/**
 * Training recipes: YAML files (bundled or the user's) resolved with command-line overrides into one
 * validated {@link dev.lowres.train.recipe.Recipe}, saved next to the results; learning-rate schedules per step.
 */
package dev.lowres.train.recipe;
