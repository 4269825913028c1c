package dev.lowres.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Re-checks a dataset against its manifest: every file present, npy headers of the right dtype and shape,
 * files as long as their headers promise, labels in range, one key per record, and every SHA-256.
 */
public final class DatasetVerifier {
    /**
     * What verification found.
     *
     * @param records records checked
     * @param files files checked
     * @param bytes bytes hashed
     * @param problems one line per problem, each naming its file; empty when the dataset is intact
     */
    public record Report(long records, int files, long bytes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private DatasetVerifier() {
    }

    /** Total bytes {@link #verify} will hash, for a progress display. */
    public static long totalBytes(Path dir, Manifest manifest) {
        long total = 0;
        for (Manifest.Split split : manifest.splits().values()) {
            for (Manifest.Shard shard : split.shards()) {
                for (String f : shard.files()) {
                    try {
                        total += Files.size(dir.resolve(f));
                    } catch (IOException e) {
                        // missing: reported by verify
                    }
                }
            }
        }
        return total;
    }

    /**
     * Verifies a dataset directory.
     *
     * @param progress receives the number of bytes hashed as verification goes
     * @throws DatasetException when the manifest itself is missing or unreadable
     */
    public static Report verify(Path dir, LongConsumer progress) throws DatasetException {
        Manifest manifest = ManifestIO.read(dir);
        List<String> problems = new ArrayList<>();
        long records = 0;
        int files = 0;
        long bytes = 0;
        int classes = manifest.classes().size();
        Manifest.ImageShape shape = manifest.image();
        for (Map.Entry<String, Manifest.Split> entry : manifest.splits().entrySet()) {
            Manifest.Split split = entry.getValue();
            long sum = 0;
            for (Manifest.Shard shard : split.shards()) {
                sum += shard.count();
                records += shard.count();
                for (String name : shard.files()) {
                    files++;
                    Path file = dir.resolve(name);
                    if (!Files.isRegularFile(file)) {
                        problems.add(name + ": missing");
                        continue;
                    }
                    try {
                        long size = Files.size(file);
                        checkStructure(file, name, shard, shape, classes, problems);
                        String expected = shard.sha256().get(name);
                        String actual = DigestingWriter.sha256(file);
                        bytes += size;
                        progress.accept(size);
                        if (expected == null) {
                            problems.add(name + ": no checksum in the manifest");
                        } else if (!expected.equals(actual)) {
                            problems.add(name + ": checksum mismatch (sha256 " + actual + ", manifest says "
                                    + expected + ")");
                        }
                    } catch (IOException e) {
                        problems.add(name + ": unreadable: " + e.getMessage());
                    }
                }
            }
            if (sum != split.count()) {
                problems.add("manifest.json: split '" + entry.getKey() + "' counts " + split.count()
                        + " records but its shards hold " + sum);
            }
            if (split.meanImage() != null) {
                files++;
                Path file = dir.resolve(split.meanImage().file());
                try {
                    if (!Files.isRegularFile(file)) {
                        problems.add(split.meanImage().file() + ": missing");
                    } else if (!DigestingWriter.sha256(file).equals(split.meanImage().sha256())) {
                        problems.add(split.meanImage().file() + ": checksum mismatch");
                    }
                } catch (IOException e) {
                    problems.add(split.meanImage().file() + ": unreadable: " + e.getMessage());
                }
            }
        }
        return new Report(records, files, bytes, List.copyOf(problems));
    }

    private static void checkStructure(Path file, String name, Manifest.Shard shard, Manifest.ImageShape shape,
                                       int classes, List<String> problems) throws IOException {
        long size = Files.size(file);
        if (name.endsWith(".keys.txt")) {
            long lines;
            try (var stream = Files.lines(file, java.nio.charset.StandardCharsets.UTF_8)) {
                lines = stream.count();
            } catch (java.io.UncheckedIOException e) {
                problems.add(name + ": not UTF-8 text");
                return;
            }
            if (lines != shard.count()) {
                problems.add(name + ": " + lines + " keys for " + shard.count() + " records");
            }
            return;
        }
        Npy.Header header;
        try {
            header = Npy.readHeader(file);
        } catch (IOException e) {
            problems.add(name + ": bad npy header: " + e.getMessage());
            return;
        }
        boolean images = name.endsWith(".images.npy");
        long[] expectedShape = images
                ? new long[] {shard.count(), shape.channels(), shape.height(), shape.width()}
                : new long[] {shard.count()};
        String expectedDescr = images ? "|u1" : "<i2";
        if (!header.descr().equals(expectedDescr) || !java.util.Arrays.equals(header.shape(), expectedShape)) {
            problems.add(name + ": header says " + header + ", manifest expects " + expectedDescr
                    + java.util.Arrays.toString(expectedShape));
            return;
        }
        long expectedSize = header.dataOffset() + header.dataLength();
        if (size < expectedSize) {
            problems.add(name + ": truncated: " + size + " bytes, header promises " + expectedSize);
            return;
        }
        if (size > expectedSize) {
            problems.add(name + ": " + (size - expectedSize) + " bytes after the array data");
        }
        if (!images) {
            byte[] all = Files.readAllBytes(file);
            ByteBuffer data = ByteBuffer.wrap(all, (int) header.dataOffset(), (int) header.dataLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < shard.count(); i++) {
                short label = data.getShort();
                if (label < 0 || label >= classes) {
                    problems.add(name + ": label " + label + " at record " + i + " is outside 0.." + (classes - 1));
                    return;
                }
            }
        }
    }
}
