/**
 * Benchmarks behind {@code lowres bench}: the build stage measured end to end and stage by stage, and the
 * Python reference pipeline run side by side on the same inputs and cores.
 */
package dev.lowres.data.bench;
