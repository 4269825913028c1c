package dev.lowres.data.interop;

/**
 * Receives the progress of an import or export. Calls come from the thread that runs it.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = n -> { };

    /** Work begins: {@code total} records will be read or written. */
    default void started(long total) {
    }

    /** {@code n} more records were done (an increment, not a running total). */
    void progressed(long n);
}
