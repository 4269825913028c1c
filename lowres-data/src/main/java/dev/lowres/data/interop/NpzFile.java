package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Npy;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An {@code .npz} file opened for streaming: a zip (stored or deflated, zip64 or not) of {@code <name>.npy}
 * entries. Entries are read through streams, so a batch is never held whole beyond what the caller keeps.
 */
final class NpzFile implements Closeable {
    private final Path path;
    private final ZipFile zip;

    private NpzFile(Path path, ZipFile zip) {
        this.path = path;
        this.zip = zip;
    }

    /**
     * Opens an npz file.
     *
     * @throws SourceException when it is not a readable zip (a truncated file loses its central directory)
     */
    static NpzFile open(Path path) throws IOException, SourceException {
        try {
            return new NpzFile(path, new ZipFile(path.toFile()));
        } catch (ZipException e) {
            throw new SourceException(path + " is not a readable npz (zip) file, truncated or corrupt: "
                    + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    boolean has(String array) {
        return zip.getEntry(array + ".npy") != null;
    }

    /** The entry names, for messages. */
    List<String> entries() {
        return Collections.list(zip.entries()).stream().map(ZipEntry::getName).sorted().toList();
    }

    /** An array's header and a stream positioned at its first data byte; the caller closes the stream. */
    Array open(String array) throws IOException, SourceException {
        ZipEntry entry = zip.getEntry(array + ".npy");
        if (entry == null) {
            throw new SourceException(path + " has no " + array + ".npy; its entries are " + entries());
        }
        String what = path + "!" + entry.getName();
        InputStream in = zip.getInputStream(entry);
        try {
            return new Array(readHeader(in, what), in, what);
        } catch (IOException | SourceException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** An array's header without its data. */
    Npy.Header header(String array) throws IOException, SourceException {
        try (Array a = open(array)) {
            return a.header();
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** Reads an npy header from a stream and leaves the stream at the first data byte. */
    static Npy.Header readHeader(InputStream in, String what) throws IOException, SourceException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8 || (prefix[0] & 0xFF) != 0x93 || prefix[1] != 'N' || prefix[2] != 'U') {
            throw new SourceException(what + ": not an npy array (bad magic)");
        }
        int major = prefix[6] & 0xFF;
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new SourceException(what + ": truncated npy header");
        }
        ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lb.getShort() & 0xFFFF : lb.getInt() & 0xFFFFFFFFL;
        if (headerLength > 1 << 20) {
            throw new SourceException(what + ": npy header of " + headerLength + " bytes is not plausible");
        }
        byte[] text = in.readNBytes((int) headerLength);
        if (text.length < headerLength) {
            throw new SourceException(what + ": truncated npy header");
        }
        ByteBuffer all = ByteBuffer.allocate(8 + lengthBytes + text.length);
        all.put(prefix).put(lengthField).put(text).flip();
        try {
            return Npy.parse(all, what);
        } catch (IOException e) {
            throw new SourceException(e.getMessage(), e);
        }
    }

    /**
     * Reads a whole 1-D integer array ({@code i} or {@code u}, 1, 2, 4 or 8 bytes, either byte order).
     */
    static long[] readIntegers(Array a) throws IOException, SourceException {
        Npy.Header h = a.header();
        char kind = h.descr().charAt(1);
        int size;
        try {
            size = h.itemSize();
        } catch (NumberFormatException e) {
            size = -1;
        }
        if ((kind != 'i' && kind != 'u') || (size != 1 && size != 2 && size != 4 && size != 8)) {
            throw new SourceException(a.what() + ": dtype " + h.descr() + " is not an integer type");
        }
        if (h.count() > Integer.MAX_VALUE / 8) {
            throw new SourceException(a.what() + ": too many labels: " + h.count());
        }
        byte[] raw = a.in().readNBytes((int) h.dataLength());
        if (raw.length < h.dataLength()) {
            throw new SourceException(a.what() + " is truncated: " + raw.length + " of " + h.dataLength()
                    + " data bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(h.order());
        long[] out = new long[(int) h.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = NumpyPickle.integer(b, kind == 'u', size);
        }
        return out;
    }

    /** One array: its header, a stream at its data, and a name for messages ({@code file!entry}). */
    record Array(Npy.Header header, InputStream in, String what) implements Closeable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
