package dev.lowres.data.store;

import dev.lowres.data.classes.ClassEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * Re-checks a dataset against its manifest, and the manifest against the dataset's files.
 *
 * <p>The files: every file present, npy headers of the right dtype and shape, files as long as their
 * headers promise, labels in range, one key per record, and every SHA-256.
 *
 * <p>The manifest: its own checksum (see {@link ManifestIO}); then everything it says that the files can
 * tell, recomputed from them, so that an edited manifest is caught even where its checksum was removed
 * with the edit: each shard's and each split's record count and {@code class_counts} (from the labels),
 * {@code mean}, {@code std} and the mean image (from the images, by {@link SplitStatistics}, the code that
 * computed them at build time), the {@code classes} list (indices in label order, unique wnids, and, in
 * splits read from class folders, the folder of each record's key against its label's wnid), file names
 * that would leave the dataset directory (reported, never opened), and shard files in the directory that
 * the manifest does not list (a split deleted from it).
 *
 * <p>Each file is read once: the images are hashed and added to the statistics in the same pass.
 */
public final class DatasetVerifier {
    /** Bytes read at a time from an image file (rounded to whole records). */
    private static final int CHUNK = 1 << 20;
    /** Folder/label disagreements listed one by one per split before the rest are summed up. */
    private static final int MAX_FOLDER_LINES = 10;
    /** Names of files that a build writes into a dataset directory. */
    private static final List<String> DATASET_SUFFIXES = List.of(".images.npy", ".labels.npy", ".keys.txt",
            ".mean.npy");

    /**
     * What verification found.
     *
     * @param records records checked
     * @param files files checked
     * @param bytes bytes hashed
     * @param problems one line per problem, each naming its file (a problem of the manifest's content names
     *                 {@code manifest.json} and the field); empty when the dataset is intact
     */
    public record Report(long records, int files, long bytes, List<String> problems) {
        /** Whether no problem was found. */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private DatasetVerifier() {
    }

    /**
     * Total bytes {@link #verify} will hash, for a progress display. The manifest is read as
     * {@link #verify} reads it: a manifest that fails its checksum is still measured.
     *
     * @throws DatasetException when the manifest is missing, unreadable or of another format
     */
    public static long totalBytes(Path dir) throws DatasetException {
        return totalBytes(dir, ManifestIO.readUnchecked(dir));
    }

    /** Total bytes {@link #verify} will hash for {@code manifest}, for a progress display. */
    public static long totalBytes(Path dir, Manifest manifest) {
        long total = 0;
        for (ManifestIO.FileEntry entry : ManifestIO.files(manifest)) {
            if (ManifestIO.unsafeName(dir, entry.name()) == null) {
                try {
                    total += Files.size(dir.resolve(entry.name()));
                } catch (IOException e) {
                    // missing: reported by verify
                }
            }
        }
        return total;
    }

    /**
     * Verifies a dataset directory. A manifest whose checksum does not match is reported, not refused, and
     * checked against the files all the same, so that the report says what was changed.
     *
     * @param progress receives the number of bytes hashed as verification goes
     * @throws DatasetException when the manifest itself is missing, unreadable or of another format
     */
    public static Report verify(Path dir, LongConsumer progress) throws DatasetException {
        return new Verification(dir, ManifestIO.parse(dir), progress).run();
    }

    /** One run of {@link #verify}: what it has found so far. */
    private static final class Verification {
        private final Path dir;
        private final ManifestIO.Parsed parsed;
        private final Manifest manifest;
        private final LongConsumer progress;
        private final List<String> problems = new ArrayList<>();
        /** The files the manifest lists that are safe to open, normalized. */
        private final Set<Path> listed = new HashSet<>();
        private Manifest.ImageShape shape;
        private List<ClassEntry> classes = List.of();
        /** Index of the first class with each wnid. */
        private final Map<String, Integer> classByWnid = new HashMap<>();
        private long records;
        private int files;
        private long bytes;

        Verification(Path dir, ManifestIO.Parsed parsed, LongConsumer progress) {
            this.dir = dir;
            this.parsed = parsed;
            this.manifest = parsed.manifest();
            this.progress = progress;
        }

        Report run() {
            checkChecksum();
            checkShape();
            checkClasses();
            if (manifest.splits() == null) {
                manifestProblem("no splits");
            } else {
                for (Map.Entry<String, Manifest.Split> e : manifest.splits().entrySet()) {
                    checkSplit(e.getKey(), e.getValue());
                }
            }
            checkUnlistedFiles();
            return new Report(records, files, bytes, List.copyOf(problems));
        }

        private void checkChecksum() {
            String rest = "; the other lines name what the files contradict, if anything";
            if (manifest.checksum() == null) {
                manifestProblem("no checksum (written by an older lowres, or removed with an edit): nothing "
                        + "shows it unchanged since it was written" + rest);
            } else if (!parsed.checksumMatches()) {
                manifestProblem("checksum mismatch: it was changed after it was written" + rest);
            }
        }

        private void checkShape() {
            Manifest.ImageShape s = manifest.image();
            if (s == null || s.height() < 1 || s.width() < 1 || s.channels() < 1) {
                manifestProblem("image shape " + s + " is missing or not positive; the images "
                        + "cannot be checked");
                return;
            }
            shape = s;
        }

        private void checkClasses() {
            if (manifest.classes() == null || manifest.classes().isEmpty()) {
                manifestProblem("no classes");
                return;
            }
            classes = manifest.classes();
            for (int i = 0; i < classes.size(); i++) {
                ClassEntry c = classes.get(i);
                if (c == null) {
                    manifestProblem("classes[" + i + "] is empty");
                    continue;
                }
                if (c.index() != i) {
                    manifestProblem("classes[" + i + "] (" + c.wnid() + ") has index " + c.index()
                            + ": the classes must be listed in label order, each with its own label as index");
                }
                if (c.wnid() == null || c.wnid().isEmpty()) {
                    manifestProblem("classes[" + i + "] has no wnid");
                    continue;
                }
                Integer first = classByWnid.putIfAbsent(c.wnid(), i);
                if (first != null) {
                    manifestProblem("classes[" + first + "] and classes[" + i + "] have the same "
                            + "wnid " + c.wnid());
                }
            }
        }

        private String wnid(int label) {
            ClassEntry c = label >= 0 && label < classes.size() ? classes.get(label) : null;
            return c == null ? "?" : c.wnid();
        }

        private void checkSplit(String name, Manifest.Split split) {
            String where = "split '" + name + "'";
            if (split == null || split.shards() == null) {
                manifestProblem(where + " has no shards");
                return;
            }
            SplitStatistics stats = shape == null || classes.isEmpty() ? null
                    : new SplitStatistics(shape, classes.size());
            boolean complete = stats != null;
            long listedCount = 0;
            FolderCheck folders = new FolderCheck();
            for (int i = 0; i < split.shards().size(); i++) {
                Manifest.Shard shard = split.shards().get(i);
                if (shard == null) {
                    manifestProblem(where + " shard " + i + " is empty");
                    complete = false;
                    continue;
                }
                records += shard.count();
                listedCount += shard.count();
                complete &= checkShard(where + " shard " + i, shard, stats, folders);
            }
            folders.report(where);
            String meanImageDigest = hashMeanImage(where, split.meanImage());
            if (!complete) {
                // the shards' own problems are listed; statistics of the records that could be read would
                // only add lines that follow from those
                if (listedCount != split.count()) {
                    manifestProblem(where + " count is " + split.count() + ", its shards list " + listedCount
                            + " records");
                }
                checkMeanImage(split.meanImage(), meanImageDigest, where, null);
                return;
            }
            if (stats.count() != split.count()) {
                manifestProblem(where + " count is " + split.count() + ", the labels hold " + stats.count());
            }
            checkClassCounts(where, split.classCounts(), stats.classCounts());
            // mean and std are compared exactly: SplitStatistics computes them from integer sums, so the same
            // records give the same doubles in any order and on any machine (plain double arithmetic, strict
            // since Java 17), and JSON carries a double exactly
            checkChannels(where, "mean", split.mean(), stats.mean());
            checkChannels(where, "std", split.std(), stats.std());
            checkMeanImage(split.meanImage(), meanImageDigest, where, stats.meanImageBytes());
        }

        private void checkClassCounts(String where, long[] listed, long[] actual) {
            if (listed == null) {
                return;
            }
            if (listed.length != actual.length) {
                manifestProblem(where + " class_counts has " + listed.length + " entries for " + actual.length
                        + " classes");
                return;
            }
            for (int c = 0; c < actual.length; c++) {
                if (listed[c] != actual[c]) {
                    manifestProblem(where + " class_counts[" + c + "] (" + wnid(c) + ") is " + listed[c]
                            + ", the labels hold " + actual[c]);
                }
            }
        }

        private void checkChannels(String where, String field, double[] listed, double[] actual) {
            if (listed == null) {
                return;
            }
            if (listed.length != actual.length) {
                manifestProblem(where + " " + field + " has " + listed.length + " values for " + actual.length
                        + " channels");
                return;
            }
            for (int c = 0; c < actual.length; c++) {
                if (Double.compare(listed[c], actual[c]) != 0) {
                    manifestProblem(where + " " + field + "[" + c + "] is " + listed[c] + ", the images give "
                            + actual[c]);
                }
            }
        }

        /** The hex SHA-256 of a split's mean image file, or null when there is none or it cannot be read. */
        private String hashMeanImage(String where, Manifest.FileRef ref) {
            if (ref == null) {
                return null;
            }
            files++;
            if (!openable(where + " mean_image", ref.file())) {
                return null;
            }
            Path file = dir.resolve(ref.file());
            try {
                long size = Files.size(file);
                String digest = DigestingWriter.sha256(file);
                bytes += size;
                progress.accept(size);
                return digest;
            } catch (IOException e) {
                problems.add(ref.file() + ": unreadable: " + e.getMessage());
                return null;
            }
        }

        /**
         * Checks a mean image file against its digest in the manifest and, where the images could all be
         * read, both against the mean recomputed from them ({@code recomputed}, the file's bytes as the build
         * writes them). A file that differs from its digest is reported as a changed file, unless it is the
         * recomputed mean: then it is the manifest's digest that is wrong.
         */
        private void checkMeanImage(Manifest.FileRef ref, String fileDigest, String where, byte[] recomputed) {
            if (ref == null || fileDigest == null) {
                return;
            }
            String mean = recomputed == null ? null
                    : HexFormat.of().formatHex(DigestingWriter.sha256().digest(recomputed));
            if (!fileDigest.equals(ref.sha256()) && !fileDigest.equals(mean)) {
                problems.add(ref.file() + ": checksum mismatch (sha256 " + fileDigest + ", manifest says "
                        + ref.sha256() + ")");
            }
            if (mean != null && !mean.equals(ref.sha256())) {
                manifestProblem(where + " mean_image (" + ref.file() + ") sha256 is " + ref.sha256()
                        + ", the mean of the images has " + mean
                        + (fileDigest.equals(mean) ? " as the file has" : ""));
            }
        }

        private void manifestProblem(String text) {
            problems.add(ManifestIO.FILE + ": " + text);
        }

        /** Whether a file the manifest names may be opened and exists; reports why not. */
        private boolean openable(String what, String name) {
            String why = ManifestIO.unsafeName(dir, name);
            if (why != null) {
                manifestProblem(what + " '" + name + "' " + why + "; not opened");
                return false;
            }
            listed.add(dir.resolve(name).toAbsolutePath().normalize());
            if (!Files.isRegularFile(dir.resolve(name))) {
                problems.add(name + ": missing");
                return false;
            }
            return true;
        }

        /**
         * Checks one shard's three files and adds its records to {@code stats}.
         *
         * @return whether every record of the shard was added
         */
        private boolean checkShard(String where, Manifest.Shard shard, SplitStatistics stats, FolderCheck folders) {
            files += 3;
            short[] labels = checkLabels(where, shard);
            long count = labels != null ? labels.length : shard.count();
            List<String> keys = checkKeys(where, shard, count);
            boolean added = checkImages(where, shard, count, labels, stats);
            if (labels != null && keys != null) {
                for (int r = 0; r < labels.length; r++) {
                    folders.add(keys.get(r), labels[r]);
                }
            }
            return added;
        }

        /** The file's bytes (hashed as they are read), or null with the problem recorded. */
        private byte[] readOrReport(String name, Manifest.Shard shard) {
            try {
                return read(name, shard);
            } catch (IOException e) {
                problems.add(name + ": unreadable: " + e.getMessage());
                return null;
            }
        }

        /** The shard's labels when its labels file is well formed and every label is in range, else null. */
        private short[] checkLabels(String where, Manifest.Shard shard) {
            String name = shard.labels();
            if (!openable(where + " labels", name)) {
                return null;
            }
            byte[] all = readOrReport(name, shard);
            if (all == null) {
                return null;
            }
            Npy.Header header;
            try {
                header = Npy.parse(ByteBuffer.wrap(all), name);
            } catch (IOException e) {
                problems.add(name + ": bad npy header: " + e.getMessage());
                return null;
            }
            if (!header.descr().equals("<i2") || header.shape().length != 1) {
                problems.add(name + ": header says " + header + ", manifest expects <i2[" + shard.count() + "]");
                return null;
            }
            long n = header.shape()[0];
            if (n != shard.count()) {
                manifestProblem(where + " (" + name + ") count is " + shard.count() + ", its labels file holds " + n);
            }
            if (!checkLength(name, all.length, header)) {
                return null;
            }
            short[] labels = new short[(int) n];
            ByteBuffer.wrap(all, (int) header.dataOffset(), (int) header.dataLength()).order(ByteOrder.LITTLE_ENDIAN)
                    .asShortBuffer().get(labels);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes.size()) {
                    problems.add(name + ": label " + labels[i] + " at record " + i + " is outside 0.."
                            + (classes.size() - 1));
                    return null;
                }
            }
            return labels;
        }

        /** The shard's keys when its keys file is UTF-8 with one key per record, else null. */
        private List<String> checkKeys(String where, Manifest.Shard shard, long count) {
            String name = shard.keys();
            if (!openable(where + " keys", name)) {
                return null;
            }
            byte[] all = readOrReport(name, shard);
            if (all == null) {
                return null;
            }
            List<String> keys;
            try {
                keys = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(all))
                        .toString().lines().toList();
            } catch (CharacterCodingException e) {
                problems.add(name + ": not UTF-8 text");
                return null;
            }
            if (keys.size() != count) {
                problems.add(name + ": " + keys.size() + " keys for " + count + " records");
                return null;
            }
            return keys;
        }

        /**
         * Checks the images file of a shard of {@code count} records, hashing it and, when it and the labels
         * are well formed, adding its records to {@code stats} in the same pass.
         *
         * @return whether the shard's records were added
         */
        private boolean checkImages(String where, Manifest.Shard shard, long count, short[] labels,
                                    SplitStatistics stats) {
            String name = shard.images();
            if (!openable(where + " images", name)) {
                return false;
            }
            Path file = dir.resolve(name);
            boolean wellFormed = false;
            long dataOffset = 0;
            try {
                Npy.Header header = Npy.readHeader(file);
                if (shape != null) {
                    long[] expected = {count, shape.channels(), shape.height(), shape.width()};
                    if (!header.descr().equals("|u1") || !Arrays.equals(header.shape(), expected)) {
                        problems.add(name + ": header says " + header + ", expected |u1"
                                + Arrays.toString(expected));
                    } else {
                        wellFormed = checkLength(name, Files.size(file), header);
                        dataOffset = header.dataOffset();
                    }
                }
            } catch (IOException e) {
                problems.add(name + ": bad npy header: " + e.getMessage());
            }
            boolean add = wellFormed && stats != null && labels != null && labels.length == count;
            try {
                String actual = hashImages(file, add ? dataOffset : -1, labels, stats);
                compareDigest(name, shard, actual);
            } catch (IOException e) {
                problems.add(name + ": unreadable: " + e.getMessage());
                return false;
            }
            return add;
        }

        /**
         * Hashes an images file; when {@code dataOffset >= 0}, also adds one record per label, read from
         * {@code dataOffset} on, to {@code stats}.
         */
        private String hashImages(Path file, long dataOffset, short[] labels, SplitStatistics stats)
                throws IOException {
            MessageDigest digest = DigestingWriter.sha256();
            int per = shape == null ? 1 : shape.bytesPerImage();
            int chunkRecords = Math.max(1, CHUNK / per);
            byte[] buf = new byte[dataOffset >= 0 ? chunkRecords * per : CHUNK];
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                if (dataOffset >= 0) {
                    byte[] header = in.readNBytes((int) dataOffset);
                    consume(digest, header, header.length);
                    for (int at = 0; at < labels.length; ) {
                        int n = Math.min(chunkRecords, labels.length - at);
                        int got = in.readNBytes(buf, 0, n * per);
                        if (got != n * per) {
                            throw new IOException("shorter than " + size + " bytes while being read");
                        }
                        consume(digest, buf, got);
                        stats.add(buf, 0, n, labels, at);
                        at += n;
                    }
                }
                for (int got; (got = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                    consume(digest, buf, got);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        private void consume(MessageDigest digest, byte[] data, int length) {
            digest.update(data, 0, length);
            bytes += length;
            progress.accept(length);
        }

        /** Reads a small file whole, hashing it and comparing its digest with the shard's. */
        private byte[] read(String name, Manifest.Shard shard) throws IOException {
            byte[] all = Files.readAllBytes(dir.resolve(name));
            bytes += all.length;
            progress.accept(all.length);
            compareDigest(name, shard, HexFormat.of().formatHex(DigestingWriter.sha256().digest(all)));
            return all;
        }

        private void compareDigest(String name, Manifest.Shard shard, String actual) {
            String expected = shard.sha256() == null ? null : shard.sha256().get(name);
            if (expected == null) {
                problems.add(name + ": no checksum in the manifest");
            } else if (!expected.equals(actual)) {
                problems.add(name + ": checksum mismatch (sha256 " + actual + ", manifest says " + expected + ")");
            }
        }

        /** Whether an npy file is as long as its header promises; reports it when not. */
        private boolean checkLength(String name, long size, Npy.Header header) {
            long expected = header.dataOffset() + header.dataLength();
            if (size < expected) {
                problems.add(name + ": truncated: " + size + " bytes, header promises " + expected);
                return false;
            }
            if (size > expected) {
                problems.add(name + ": " + (size - expected) + " bytes after the array data");
                return false;
            }
            return true;
        }

        /** Files that look like a dataset's (shards, mean images) but that the manifest does not list. */
        private void checkUnlistedFiles() {
            Set<String> unlisted = new TreeSet<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    if (DATASET_SUFFIXES.stream().anyMatch(name::endsWith) && Files.isRegularFile(p)
                            && !listed.contains(p.toAbsolutePath().normalize())) {
                        unlisted.add(name);
                    }
                }
            } catch (IOException e) {
                problems.add(dir + ": cannot list the directory: " + e.getMessage());
                return;
            }
            for (String name : unlisted) {
                problems.add(name + ": in the directory but not in the manifest (a split deleted from "
                        + ManifestIO.FILE + "?)");
            }
        }

        /**
         * In splits read from class folders, the first folder of each record's key is its class's wnid: a
         * record in the folder of one class that carries another class's label shows the {@code classes}
         * list reordered or relabelled (the labels files, which are checksummed, say which class each record
         * was built as).
         */
        private final class FolderCheck {
            /** Records in the folder of their own label's class. */
            private long agreeing;
            /** (folder, label) to records, where the folder is the wnid of another class. */
            private final Map<FolderLabel, Long> otherClass = new TreeMap<>(FolderLabel.ORDER);
            /** (folder, label) to records, where the folder is no class's wnid. */
            private final Map<FolderLabel, Long> noClass = new TreeMap<>(FolderLabel.ORDER);

            void add(String key, int label) {
                int slash = key.indexOf('/');
                if (slash <= 0) {
                    return;
                }
                String folder = key.substring(0, slash);
                Integer folderClass = classByWnid.get(folder);
                if (folderClass == null) {
                    noClass.merge(new FolderLabel(folder, label), 1L, Long::sum);
                } else if (folderClass == label) {
                    agreeing++;
                } else {
                    otherClass.merge(new FolderLabel(folder, label), 1L, Long::sum);
                }
            }

            void report(String where) {
                list(where, otherClass, false);
                // folders that are no class's wnid are normal (ImageNetV2's folders are numbers); only in a
                // split whose other folders are their records' wnids do they show a wnid changed
                if (agreeing > 0) {
                    list(where, noClass, true);
                }
            }

            private void list(String where, Map<FolderLabel, Long> counts, boolean noSuchClass) {
                int shown = 0;
                long rest = 0;
                int restFolders = 0;
                for (Map.Entry<FolderLabel, Long> e : counts.entrySet()) {
                    if (shown == MAX_FOLDER_LINES) {
                        rest += e.getValue();
                        restFolders++;
                        continue;
                    }
                    shown++;
                    String folder = e.getKey().folder();
                    int label = e.getKey().label();
                    long n = e.getValue();
                    manifestProblem(String.format(Locale.ROOT, "%s: %d record%s in folder %s/ carr%s label %d (%s): %s",
                            where, n, n == 1 ? "" : "s", folder, n == 1 ? "ies" : "y", label, wnid(label),
                            noSuchClass ? "no class has wnid " + folder + ": a wnid changed?"
                                    : "classes reordered or relabelled?"));
                }
                if (restFolders > 0) {
                    manifestProblem(String.format(Locale.ROOT, "%s: %d more records in %d more folder/label pairs "
                            + "like these", where, rest, restFolders));
                }
            }
        }

        private record FolderLabel(String folder, int label) {
            static final Comparator<FolderLabel> ORDER = Comparator.comparing(FolderLabel::folder)
                    .thenComparingInt(FolderLabel::label);
        }
    }
}
