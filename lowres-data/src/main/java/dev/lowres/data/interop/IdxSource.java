package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files (LeCun et al.'s MNIST format, also Fashion-MNIST, KMNIST, ...): a big-endian header (magic
 * {@code 0x00000803} for (N, rows, cols) unsigned-byte images, {@code 0x00000801} for N unsigned-byte labels,
 * then the dimensions) and the bytes. Files may be gzipped (recognised by content). Images become
 * one-channel records; classes are the given names in label order.
 */
final class IdxSource implements ArraySource {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private final Path dir;
    private final List<String> names;
    private final ImportFormat format;

    IdxSource(Path dir, List<String> names, ImportFormat format) {
        this.dir = dir;
        this.names = List.copyOf(names);
        this.format = format;
    }

    @Override
    public SourcePlan plan() throws IOException, SourceException {
        if (!Files.isDirectory(dir)) {
            throw new SourceException(dir + " is not a folder");
        }
        List<SourcePlan.Split> splits = new ArrayList<>();
        int rows = -1;
        int cols = -1;
        Path first = null;
        Map<String, String> prefixes = new LinkedHashMap<>();
        prefixes.put("train", "train");
        prefixes.put("test", "t10k");
        for (Map.Entry<String, String> e : prefixes.entrySet()) {
            Path images = find(e.getValue(), "images", 3);
            Path labels = find(e.getValue(), "labels", 1);
            long[] imageDims = header(images, IMAGES_MAGIC);
            long[] labelDims = header(labels, LABELS_MAGIC);
            if (imageDims[0] != labelDims[0]) {
                throw new SourceException(images + " holds " + imageDims[0] + " images but " + labels.getFileName()
                        + " holds " + labelDims[0] + " labels");
            }
            if (imageDims[1] < 1 || imageDims[2] < 1 || imageDims[1] * imageDims[2] > 1 << 24) {
                throw new SourceException(images + ": implausible image size " + imageDims[1] + "x" + imageDims[2]);
            }
            if (rows < 0) {
                rows = (int) imageDims[1];
                cols = (int) imageDims[2];
                first = images;
            } else if (rows != imageDims[1] || cols != imageDims[2]) {
                throw new SourceException(images + " holds " + imageDims[1] + "x" + imageDims[2] + " images but "
                        + first.getFileName() + " holds " + rows + "x" + cols);
            }
            checkSize(images, 16 + imageDims[0] * imageDims[1] * imageDims[2]);
            checkSize(labels, 8 + labelDims[0]);
            splits.add(new SourcePlan.Split(e.getKey(),
                    List.of(new SourcePlan.SourceFile(images, labels, imageDims[0]))));
        }
        List<ClassEntry> classes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            classes.add(new ClassEntry(i, names.get(i), names.get(i)));
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("class_names", names);
        return new SourcePlan(new Manifest.ImageShape(rows, cols, 1), List.copyOf(classes), "source", splits,
                options);
    }

    @Override
    public void read(SourcePlan.SourceFile file, RecordSink sink) throws IOException, SourceException {
        Path images = file.path();
        Path labels = file.companion();
        try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
            long[] dims = readHeader(img, images, IMAGES_MAGIC);
            readHeader(lab, labels, LABELS_MAGIC);
            int per = Math.toIntExact(dims[1] * dims[2]);
            byte[] pixels = new byte[per];
            String name = file.name();
            for (long i = 0; i < file.count(); i++) {
                int label = readLabel(lab, labels, i, file.count());
                readImage(img, pixels, images, i, file.count());
                if (label >= names.size()) {
                    throw new SourceException(labels + ": label " + label + " at index " + i + " has no class name ("
                            + names.size() + " classes" + (format == ImportFormat.IDX ? "; give --class-names" : "")
                            + ")");
                }
                sink.accept(pixels, 0, label, name + "#" + i);
            }
        }
    }

    private static int readLabel(InputStream in, Path file, long i, long count) throws IOException, SourceException {
        int label;
        try {
            label = in.read();
        } catch (EOFException | ZipException e) {
            label = -1;
        }
        if (label < 0) {
            throw new SourceException(file + " is truncated: it ends at label " + i + " of " + count);
        }
        return label;
    }

    private static void readImage(InputStream in, byte[] pixels, Path file, long i, long count)
            throws IOException, SourceException {
        int got;
        try {
            got = in.readNBytes(pixels, 0, pixels.length);
        } catch (EOFException | ZipException e) {
            got = -1;
        }
        if (got < pixels.length) {
            throw new SourceException(file + " is truncated: it ends in image " + i + " of " + count);
        }
    }

    /** The file of a split and kind, plain or gzipped, with a dash or a dot before {@code idxN}. */
    private Path find(String prefix, String kind, int dims) throws SourceException {
        List<String> candidates = new ArrayList<>();
        for (String sep : List.of("-", ".")) {
            String base = prefix + "-" + kind + sep + "idx" + dims + "-ubyte";
            candidates.add(base);
            candidates.add(base + ".gz");
        }
        for (String c : candidates) {
            if (Files.isRegularFile(dir.resolve(c))) {
                return dir.resolve(c);
            }
        }
        throw new SourceException(dir.resolve(candidates.get(0)) + " is missing (nor is there "
                + String.join(", ", candidates.subList(1, candidates.size())) + ")");
    }

    private static boolean gzipped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (gzipped(file)) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static long[] header(Path file, int magic) throws IOException, SourceException {
        try (DataInputStream in = open(file)) {
            return readHeader(in, file, magic);
        } catch (EOFException | ZipException e) {
            throw new SourceException(file + " is truncated or not a readable gzip file: " + e.getMessage(), e);
        }
    }

    private static long[] readHeader(DataInputStream in, Path file, int magic) throws IOException, SourceException {
        int dims = magic & 0xFF;
        byte[] head = in.readNBytes(4 + 4 * dims);
        if (head.length < 4 + 4 * dims) {
            throw new SourceException(file + " is truncated: its IDX header is incomplete");
        }
        ByteBuffer b = ByteBuffer.wrap(head); // big endian, as IDX
        int found = b.getInt();
        if (found != magic) {
            throw new SourceException(String.format(Locale.ROOT,
                    "%s: bad IDX magic number 0x%08x; expected 0x%08x (unsigned bytes, %d dimension%s)",
                    file, found, magic, dims, dims == 1 ? "" : "s"));
        }
        long[] out = new long[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = Integer.toUnsignedLong(b.getInt());
        }
        return out;
    }

    private static void checkSize(Path file, long expected) throws IOException, SourceException {
        if (gzipped(file)) {
            return; // checked while reading
        }
        long size = Files.size(file);
        if (size < expected) {
            throw new SourceException(file + " is truncated: " + size + " bytes, its header promises " + expected);
        }
    }
}
