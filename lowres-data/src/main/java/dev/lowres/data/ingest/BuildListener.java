package dev.lowres.data.ingest;

import dev.lowres.data.store.Manifest;

/**
 * Receives a build's progress. Calls come from worker threads: implementations must be thread-safe.
 */
public interface BuildListener {
    /** The inputs were found. */
    default void scanned(SourceTree tree) {
    }

    /** Work begins: {@code total} inputs, of which {@code resumed} are in shards finished by an earlier run. */
    default void started(long total, long resumed) {
    }

    /** {@code n} more inputs were processed (records or skipped). */
    default void progressed(long n) {
    }

    /** An input was skipped. */
    default void skipped(Manifest.Skipped skipped) {
    }

    /** A listener that ignores everything. */
    BuildListener NONE = new BuildListener() { };
}
