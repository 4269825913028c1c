/**
 * Pruning: global magnitude pruning with Zhu &amp; Gupta's gradual schedule ({@link
 * dev.lowres.train.prune.MagnitudePruner}, {@link dev.lowres.train.prune.SparsitySchedule}). A pruned run is an
 * ordinary run: it trains, resumes and evaluates as any other, and its weights hold exact zeros.
 */
package dev.lowres.train.prune;
