package dev.lowres.data.interop;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDateTime;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an {@code .npz}: a zip of STORED (uncompressed) {@code .npy} entries, which {@code numpy.load}
 * reads without inflating. A stored entry's size and CRC go in its local header, before the data, so the
 * caller computes them first; the JDK writes zip64 records when an entry or the file passes 4 GiB. Entry
 * times are fixed, so the same arrays give the same bytes.
 */
final class NpzWriter implements Closeable {
    private static final LocalDateTime TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private final ZipOutputStream zip;

    NpzWriter(OutputStream out) {
        this.zip = new ZipOutputStream(out);
    }

    /** Writes the body of an entry. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Adds a stored entry whose body writes exactly {@code size} bytes with CRC-32 {@code crc} (the JDK
     * checks both when the entry is closed).
     */
    void stored(String name, long size, long crc, Body body) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTimeLocal(TIME);
        zip.putNextEntry(e);
        body.writeTo(zip);
        zip.closeEntry();
    }

    /** Adds a small stored entry held in memory. */
    void stored(String name, byte[] content) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(content);
        stored(name, content.length, crc.getValue(), out -> out.write(content));
    }

    /** Writes the central directory; the underlying stream stays open. */
    void finish() throws IOException {
        zip.finish();
    }

    /** Finishes the zip and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
