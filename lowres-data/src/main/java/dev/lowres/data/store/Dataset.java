package dev.lowres.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A finished dataset directory opened for reading: its manifest and its shards. Image files are
 * memory-mapped, so the page cache, not the heap, holds the pixels.
 */
public final class Dataset {
    private final Path dir;
    private final Manifest manifest;

    private Dataset(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens a dataset.
     *
     * @throws DatasetException when {@code dir} has no manifest (an unfinished build) or another format
     */
    public static Dataset open(Path dir) throws DatasetException {
        return new Dataset(dir, ManifestIO.read(dir));
    }

    public Path dir() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** A split by name; the error lists the splits there are. */
    public Manifest.Split split(String name) throws DatasetException {
        Manifest.Split split = manifest.splits().get(name);
        if (split == null) {
            throw new DatasetException(dir + " has no split '" + name + "'; it has " + manifest.splits().keySet());
        }
        return split;
    }

    /**
     * Maps a shard's images read-only. The buffer is positioned at the first pixel and holds
     * {@code count * bytesPerImage} bytes.
     */
    public ByteBuffer mapImages(Manifest.Shard shard) throws IOException, DatasetException {
        Path file = dir.resolve(shard.images());
        Npy.Header header = Npy.readHeader(file);
        Manifest.ImageShape s = manifest.image();
        long expected = (long) shard.count() * s.bytesPerImage();
        if (!header.descr().equals("|u1") || header.dataLength() != expected) {
            throw new DatasetException(file + ": header " + header + " does not match the manifest ("
                    + shard.count() + " records of " + s.channels() + "x" + s.height() + "x" + s.width() + ")");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < header.dataOffset() + expected) {
                throw new DatasetException(file + " is truncated: " + ch.size() + " bytes, its header promises "
                        + (header.dataOffset() + expected));
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), expected);
            return map;
        }
    }

    /** Reads a shard's labels. */
    public short[] labels(Manifest.Shard shard) throws IOException, DatasetException {
        Path file = dir.resolve(shard.labels());
        byte[] all = Files.readAllBytes(file);
        Npy.Header header = Npy.parse(ByteBuffer.wrap(all), file.toString());
        if (!header.descr().endsWith("i2") || header.count() != shard.count()) {
            throw new DatasetException(file + ": header " + header + " does not match the manifest ("
                    + shard.count() + " int16 labels)");
        }
        if (all.length < header.dataOffset() + header.dataLength()) {
            throw new DatasetException(file + " is truncated");
        }
        short[] labels = new short[(int) shard.count()];
        ByteBuffer.wrap(all, (int) header.dataOffset(), (int) header.dataLength()).order(header.order())
                .asShortBuffer().get(labels);
        return labels;
    }

    /** Reads a shard's keys. */
    public List<String> keys(Manifest.Shard shard) throws IOException {
        return Files.readAllLines(dir.resolve(shard.keys()), StandardCharsets.UTF_8);
    }

    /** Byte order of label files written by lowres. */
    static ByteOrder labelOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }
}
