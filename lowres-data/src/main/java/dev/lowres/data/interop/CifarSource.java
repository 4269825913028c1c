package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 (Krizhevsky, 2009). A record is one label byte (CIFAR-10)
 * or a coarse and a fine label byte (CIFAR-100, the fine label is used), then 3072 bytes: the 32x32 R, G
 * and B planes. Class names come from {@code batches.meta.txt} / {@code fine_label_names.txt} when present,
 * else from {@link StandardClassNames}; the class order is the source's.
 */
final class CifarSource implements ArraySource {
    private static final int SIDE = 32;
    private static final int PIXELS = 3 * SIDE * SIDE;

    private final Path input;
    private final boolean hundred;

    /**
     * @param input the folder with the {@code .bin} files, or one that holds {@code cifar-10-batches-bin}
     *              or {@code cifar-100-binary} as the archives unpack
     */
    CifarSource(Path input, boolean hundred) {
        this.input = input;
        this.hundred = hundred;
    }

    private int labelBytes() {
        return hundred ? 2 : 1;
    }

    private int recordBytes() {
        return labelBytes() + PIXELS;
    }

    @Override
    public SourcePlan plan() throws IOException, SourceException {
        Path dir = folder();
        Map<String, List<String>> layout = new LinkedHashMap<>();
        if (hundred) {
            layout.put("train", List.of("train.bin"));
            layout.put("test", List.of("test.bin"));
        } else {
            layout.put("train", List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                    "data_batch_4.bin", "data_batch_5.bin"));
            layout.put("test", List.of("test_batch.bin"));
        }
        List<SourcePlan.Split> splits = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : layout.entrySet()) {
            List<SourcePlan.SourceFile> files = new ArrayList<>();
            for (String name : e.getValue()) {
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new SourceException(file + " is missing (" + format().id() + " expects "
                            + String.join(", ", layout.values().stream().flatMap(List::stream).toList()) + ")");
                }
                long size = Files.size(file);
                if (size % recordBytes() != 0) {
                    throw new SourceException(file + " is truncated or not a " + format().id() + " file: "
                            + size + " bytes is not a whole number of " + recordBytes() + "-byte records");
                }
                files.add(new SourcePlan.SourceFile(file, null, size / recordBytes()));
            }
            splits.add(new SourcePlan.Split(e.getKey(), files));
        }
        List<String> names = classNames(dir);
        List<ClassEntry> classes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            classes.add(new ClassEntry(i, names.get(i), names.get(i)));
        }
        return new SourcePlan(new Manifest.ImageShape(SIDE, SIDE, 3), List.copyOf(classes), "source", splits,
                new LinkedHashMap<>());
    }

    @Override
    public void read(SourcePlan.SourceFile file, RecordSink sink) throws IOException, SourceException {
        int classes = hundred ? StandardClassNames.CIFAR100_FINE.size() : StandardClassNames.CIFAR10.size();
        byte[] record = new byte[recordBytes()];
        String name = file.name();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16)) {
            for (long i = 0; i < file.count(); i++) {
                int got = in.readNBytes(record, 0, record.length);
                if (got < record.length) {
                    throw new SourceException(file.path() + " is truncated: it ends in record " + i + " of "
                            + file.count());
                }
                int label = record[labelBytes() - 1] & 0xFF;
                if (label >= classes) {
                    throw new SourceException(file.path() + ": label " + label + " of record " + i
                            + " is outside 0.." + (classes - 1));
                }
                sink.accept(record, labelBytes(), label, name + "#" + i);
            }
        }
    }

    private ImportFormat format() {
        return hundred ? ImportFormat.CIFAR100 : ImportFormat.CIFAR10;
    }

    private Path folder() throws SourceException {
        if (!Files.isDirectory(input)) {
            throw new SourceException(input + " is not a folder");
        }
        String first = hundred ? "train.bin" : "data_batch_1.bin";
        if (!Files.exists(input.resolve(first))) {
            Path nested = input.resolve(hundred ? "cifar-100-binary" : "cifar-10-batches-bin");
            if (Files.exists(nested.resolve(first))) {
                return nested;
            }
        }
        return input;
    }

    private List<String> classNames(Path dir) throws IOException, SourceException {
        List<String> standard = hundred ? StandardClassNames.CIFAR100_FINE : StandardClassNames.CIFAR10;
        Path file = dir.resolve(hundred ? "fine_label_names.txt" : "batches.meta.txt");
        if (!Files.isRegularFile(file)) {
            return standard;
        }
        List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.size() != standard.size()) {
            throw new SourceException(file + " lists " + names.size() + " class names; " + format().id()
                    + " has " + standard.size());
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new SourceException(file + " lists a class name twice");
        }
        return names;
    }
}
