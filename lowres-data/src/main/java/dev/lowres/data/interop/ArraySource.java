package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import java.io.IOException;

/**
 * One input layout read as records: first {@link #plan()} reads every file's header and checks that the
 * files agree (so that most bad inputs fail before anything is written), then {@link #read} streams the
 * records of one file.
 */
interface ArraySource {
    /** Reads the headers: shape, classes, splits and record counts. */
    SourcePlan plan() throws IOException, SourceException;

    /**
     * Streams the records of one file of the plan, in file order, with labels already in the dataset's
     * class order. Exactly {@code file.count()} records reach the sink.
     */
    void read(SourcePlan.SourceFile file, RecordSink sink) throws IOException, SourceException;

    /** Receives records. */
    @FunctionalInterface
    interface RecordSink {
        /**
         * @param pixels one record of {@code shape.bytesPerImage()} bytes from {@code offset}, planar
         * @param label 0-based label in the dataset's class order
         * @param key where it came from: {@code <file name>#<row index>}
         */
        void accept(byte[] pixels, int offset, int label, String key) throws IOException;
    }
}
