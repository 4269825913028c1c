/**
 * What {@code lowres eval} leaves on disk, as typed records: {@link dev.lowres.train.eval.result.EvalMetrics} is
 * {@code metrics.json} (format {@code lowres-eval/1}, docs/metrics-json.md), {@link
 * dev.lowres.train.eval.result.Prediction} a line of {@code predictions.jsonl}. Both are written and read by
 * Jackson from these records alone, so the writer, the reports, {@code lowres compare} and the web workbench agree
 * on every name by construction. Older files (without the compression fields) read with those fields null.
 */
package dev.lowres.train.eval.result;
