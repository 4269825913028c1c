package dev.lowres.web.catalog;

import java.util.Map;

/** One thing the workbench found under its root: a dataset, a run or an evaluation, by its relative path. */
public sealed interface Entry permits Entry.DatasetEntry, Entry.RunEntry, Entry.EvalEntry, Entry.Unreadable {
    /** The directory, relative to the root, with forward slashes. */
    String path();

    /**
     * A dataset directory (it has a manifest.json).
     *
     * @param image channels x height x width, e.g. {@code 3x32x32}
     * @param splits records per split, in the manifest's order
     */
    record DatasetEntry(String path, String name, String image, int classes, Map<String, Long> splits, int skipped)
            implements Entry {
    }

    /**
     * A run directory (it has a run.json).
     *
     * @param epochsDone epoch lines in metrics.jsonl
     * @param bestTop1 the best validation top-1 so far, NaN before the first
     * @param finished whether the run wrote its final weights (model.safetensors)
     * @param live whether metrics.jsonl changed in the last two minutes and the run has not finished
     */
    record RunEntry(String path, String model, String recipe, int epochsDone, int epochs, double bestTop1,
                    boolean finished, boolean live) implements Entry {
    }

    /** An evaluation directory (it has a lowres-eval metrics.json). */
    record EvalEntry(String path, String model, String data, String split, double top1, double top5) implements Entry {
    }

    /** A directory that looks like one of the others but whose files could not be read. */
    record Unreadable(String path, String kind, String problem) implements Entry {
    }
}
