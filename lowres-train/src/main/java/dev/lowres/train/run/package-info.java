/**
 * The run directory, the one on-disk contract of a training run: its layout, {@code run.json}, the checkpoint
 * format and its key prefixes, and the metrics log, as typed records.
 */
package dev.lowres.train.run;
