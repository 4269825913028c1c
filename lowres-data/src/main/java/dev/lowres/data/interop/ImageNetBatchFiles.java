package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the files of the published downsampled-ImageNet layout in a folder: {@code train_data_batch_<n>}
 * (split {@code train}, in numeric order, numbered 1..N without gaps) and {@code <split>_data} (e.g.
 * {@code val_data}, split {@code val}), each with a suffix ({@code ""} for pickles, {@code .npz}).
 */
final class ImageNetBatchFiles {
    static final String TRAIN = "train";

    private ImageNetBatchFiles() {
    }

    /** The splits found, {@code train} first, then the others by name; each split's files in order. */
    static List<SourcePlanFiles> find(Path dir, String suffix, ImportFormat format)
            throws IOException, SourceException {
        if (!Files.isDirectory(dir)) {
            throw new SourceException(dir + " is not a folder (" + format.id() + " reads a folder of "
                    + "train_data_batch_N" + suffix + " and val_data" + suffix + " files)");
        }
        Pattern batch = Pattern.compile("train_data_batch_(\\d+)" + Pattern.quote(suffix));
        Pattern single = Pattern.compile("([A-Za-z0-9_]+)_data" + Pattern.quote(suffix));
        TreeMap<Long, Path> batches = new TreeMap<>();
        TreeMap<String, Path> singles = new TreeMap<>();
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String name : names) {
            Matcher b = batch.matcher(name);
            Matcher m = single.matcher(name);
            if (b.matches()) {
                long n;
                try {
                    n = Long.parseLong(b.group(1));
                } catch (NumberFormatException e) {
                    throw new SourceException(dir.resolve(name) + ": batch number out of range");
                }
                Path previous = batches.put(n, dir.resolve(name));
                if (previous != null) {
                    throw new SourceException(dir.resolve(name) + " and " + previous.getFileName()
                            + " are both batch " + n);
                }
            } else if (m.matches()) {
                singles.put(m.group(1), dir.resolve(name));
            }
        }
        if (batches.isEmpty() && singles.isEmpty()) {
            String hint = "";
            if (suffix.isEmpty() && names.stream().anyMatch(n -> n.endsWith(".npz"))) {
                hint = "; it has .npz files: use --format " + ImportFormat.IMAGENET32_NPZ.id();
            } else if (!suffix.isEmpty() && names.stream().anyMatch(n -> n.matches("train_data_batch_\\d+|val_data"))) {
                hint = "; it has pickle files: use --format " + ImportFormat.IMAGENET32_PICKLE.id();
            }
            throw new SourceException(dir + " has no train_data_batch_N" + suffix + " or val_data" + suffix
                    + " files" + hint);
        }
        long expected = 1;
        for (long n : batches.keySet()) {
            if (n != expected) {
                throw new SourceException(dir.resolve("train_data_batch_" + expected + suffix)
                        + " is missing: the train batches found are numbered " + batches.keySet());
            }
            expected++;
        }
        if (singles.containsKey(TRAIN) && !batches.isEmpty()) {
            throw new SourceException(singles.get(TRAIN) + " and train_data_batch_N" + suffix
                    + " files both claim split train");
        }
        List<SourcePlanFiles> splits = new ArrayList<>();
        if (!batches.isEmpty()) {
            splits.add(new SourcePlanFiles(TRAIN, List.copyOf(batches.values())));
        }
        if (singles.containsKey(TRAIN)) {
            splits.add(new SourcePlanFiles(TRAIN, List.of(singles.remove(TRAIN))));
        }
        for (Map.Entry<String, Path> e : singles.entrySet()) {
            splits.add(new SourcePlanFiles(e.getKey(), List.of(e.getValue())));
        }
        return splits;
    }

    /** A split's name and its files in order. */
    record SourcePlanFiles(String split, List<Path> files) {
    }

    /**
     * The side S of a row of {@code 3*S*S} bytes.
     *
     * @throws SourceException when the row length is not that for a whole S in 8..256
     */
    static int side(long rowLength, Path file) throws SourceException {
        if (rowLength % 3 == 0) {
            long plane = rowLength / 3;
            long s = Math.round(Math.sqrt(plane));
            if (s * s == plane && s >= 8 && s <= 256) {
                return (int) s;
            }
        }
        throw new SourceException(file + ": rows of " + rowLength
                + " bytes are not 3*S*S bytes (planar RGB, S*S pixels) for a size S in 8..256");
    }

    /**
     * The row length of a data array of shape (N, 3*S*S) or (N, 3, S, S).
     */
    static long rowLength(long[] shape, Path file) throws SourceException {
        if (shape.length == 2) {
            return shape[1];
        }
        if (shape.length == 4 && shape[1] == 3 && shape[2] == shape[3]) {
            return 3 * shape[2] * shape[3];
        }
        throw new SourceException(file + ": data has shape " + Arrays.toString(shape)
                + "; expected (N, 3*S*S)");
    }
}
