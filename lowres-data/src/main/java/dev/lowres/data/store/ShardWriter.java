package dev.lowres.data.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the three files of a shard ({@code .images.npy}, {@code .labels.npy}, {@code .keys.txt}), each
 * atomically, and returns the shard's manifest entry with their digests.
 */
public final class ShardWriter {
    private ShardWriter() {
    }

    /** The base name of shard {@code index} of {@code total} in {@code split}: {@code train-00003-of-00128}. */
    public static String baseName(String split, int index, int total) {
        return String.format(Locale.ROOT, "%s-%05d-of-%05d", split, index, total);
    }

    /**
     * Writes a shard.
     *
     * @param dir the dataset directory
     * @param baseName from {@link #baseName}
     * @param shape the record shape
     * @param images {@code count * shape.bytesPerImage()} bytes, records in order
     * @param labels one label per record
     * @param keys one key per record
     */
    public static Manifest.Shard write(Path dir, String baseName, Manifest.ImageShape shape, byte[] images,
                                       short[] labels, List<String> keys) throws IOException {
        return write(dir, baseName, "", shape, images, labels, keys);
    }

    /**
     * Writes a shard with {@code suffix} appended to each file's name (a task attempt's temporary name, which
     * {@link #commit} renames to the final one); the entry returned names the final files.
     */
    public static Manifest.Shard write(Path dir, String baseName, String suffix, Manifest.ImageShape shape,
                                       byte[] images, short[] labels, List<String> keys) throws IOException {
        int count = labels.length;
        if (keys.size() != count || (long) images.length < (long) count * shape.bytesPerImage()) {
            throw new IllegalArgumentException("shard arrays disagree: " + count + " labels, " + keys.size()
                    + " keys, " + images.length + " image bytes");
        }
        String imagesName = baseName + ".images.npy";
        String labelsName = baseName + ".labels.npy";
        String keysName = baseName + ".keys.txt";
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put(imagesName, DigestingWriter.write(dir.resolve(imagesName + suffix), out -> {
            out.write(Npy.header("|u1", count, shape.channels(), shape.height(), shape.width()));
            out.write(images, 0, count * shape.bytesPerImage());
        }));
        digests.put(labelsName, DigestingWriter.write(dir.resolve(labelsName + suffix), out -> {
            out.write(Npy.header("<i2", count));
            ByteBuffer buf = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
            buf.asShortBuffer().put(labels);
            out.write(buf.array());
        }));
        digests.put(keysName, DigestingWriter.write(dir.resolve(keysName + suffix), out -> writeKeys(out, keys)));
        return new Manifest.Shard(imagesName, labelsName, keysName, count, digests);
    }

    /** Renames the files of {@code shard} written with {@code suffix} to their final names, each atomically. */
    public static void commit(Path dir, Manifest.Shard shard, String suffix) throws IOException {
        for (String file : shard.files()) {
            AtomicFiles.commit(dir.resolve(file + suffix), dir.resolve(file));
        }
    }

    private static void writeKeys(OutputStream out, List<String> keys) throws IOException {
        for (String key : keys) {
            if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
                throw new IOException("a key may not contain a line break: " + key);
            }
            out.write(key.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
    }
}
