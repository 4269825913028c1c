/**
 * The training loop: a run directory with its resolved config, metrics and atomic checkpoints; per-step
 * learning rates; evaluation; exact resumption; a stop with the step on a non-finite loss.
 */
package dev.lowres.train.loop;
