package dev.lowres.data.ingest;

import dev.lowres.data.image.BadImageException;
import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ImageDecoder;
import dev.lowres.data.image.Resampler;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Turns one input file into its records, one per output size: read, decode once (exactly as PIL, or
 * reduced in the DCT domain with {@link RecordSpec#fast()}), resample to every size. Not thread-safe: each
 * worker thread (or cluster task) has its own, with its decoder, resampler and read buffer. Records depend
 * only on the input's bytes and the spec, never on the thread or machine that made them.
 */
public final class RecordMaker implements AutoCloseable {
    /** In fast mode the DCT reduction keeps both sides at least this many times the largest output size. */
    public static final int FAST_MIN_SIDE_FACTOR = 2;

    private final RecordSpec spec;
    private final ImageDecoder decoder;
    private final Resampler resampler = new Resampler();
    /** The largest input read (a Java array's limit). */
    private static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    private byte[] file = new byte[1 << 20];

    public RecordMaker(RecordSpec spec) {
        this.spec = spec;
        this.decoder = new ImageDecoder(spec.maxPixels());
    }

    /**
     * Makes the records of {@code image} into {@code outputs[t]} at record {@code slot} (one array per size of
     * the spec, in its order).
     *
     * @return null when the records were made; otherwise why the input is skipped (it never throws for a bad
     *         input: one bad file never aborts a build)
     */
    public Manifest.Skipped make(SplitSource split, SourceImage image, byte[][] outputs, int slot) {
        if (image.key().indexOf('\n') >= 0 || image.key().indexOf('\r') >= 0) {
            return skipped(split, image, BadImageException.Reason.BAD_FILE_NAME,
                    "the file name holds a line break, which a keys file (one key per line) cannot store; rename it");
        }
        try {
            int length = read(split.path(image));
            make(file, length, outputs, slot);
            return null;
        } catch (BadImageException e) {
            return skipped(split, image, e.reason(), e.getMessage());
        } catch (IOException e) {
            return skipped(split, image, BadImageException.Reason.UNREADABLE, "cannot read: " + e);
        } catch (RuntimeException | OutOfMemoryError e) {
            return skipped(split, image, BadImageException.Reason.CORRUPT, "decoder failed: " + e);
        }
    }

    /**
     * Makes the records of the image file in {@code data[0..length)} into {@code outputs[t]} at record
     * {@code slot}, exactly as a build makes them from a file with these bytes.
     *
     * @return the decoded image (for its size; valid until the next call)
     * @throws BadImageException when the bytes are not an image lowres reads, or declare more pixels than the spec
     *                           allows (refused from the header, before any pixel is decoded)
     */
    public DecodedImage make(byte[] data, int length, byte[][] outputs, int slot) throws BadImageException {
        DecodedImage decoded;
        try {
            decoded = spec.fast() ? decoder.decodeReduced(data, length, spec.fastMinSide()) : decoder.decode(data, length);
        } catch (RuntimeException e) {
            throw new BadImageException(BadImageException.Reason.CORRUPT, "decoder failed: " + e);
        }
        for (int t = 0; t < outputs.length; t++) {
            int size = spec.sizes().get(t);
            resampler.resize(decoded, size, size, spec.filter(), outputs[t], slot * spec.bytesPerImage(t));
        }
        return decoded;
    }

    private static Manifest.Skipped skipped(SplitSource split, SourceImage image, BadImageException.Reason reason,
                                            String message) {
        return new Manifest.Skipped(split.name(), image.key(), reason.code(), message);
    }

    /**
     * Reads a whole file into the reused buffer, to its end without asking its size first (on a Hadoop file
     * system that would be one more request to the namenode per image).
     */
    private int read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            int n = 0;
            while (true) {
                if (n == file.length) {
                    if (file.length >= MAX_FILE_BYTES) {
                        throw new IOException("file too large: over " + MAX_FILE_BYTES + " bytes");
                    }
                    file = Arrays.copyOf(file, (int) Math.min(MAX_FILE_BYTES, Math.max(1 << 16, file.length * 2L)));
                }
                int r = ch.read(ByteBuffer.wrap(file, n, file.length - n));
                if (r < 0) {
                    return n;
                }
                n += r;
            }
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}
