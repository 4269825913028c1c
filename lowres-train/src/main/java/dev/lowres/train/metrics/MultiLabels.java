package dev.lowres.train.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-label ground truth of an evaluated split: for each record (by its index in the split), the set of
 * acceptable classes of the dataset, or the empty set when the record is excluded from multi-label
 * figures. Immutable.
 *
 * <p>Sources: ReaL (Beyer et al. 2020, "Are we done with ImageNet?"; {@link #fromReal}) and a general JSON
 * file of wnids by record key ({@link #fromJson}). Classes are matched by wnid, never by number.
 */
public final class MultiLabels {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] NONE = new int[0];

    private final int classes;
    private final int[][] sets;
    private final int labelled;
    private final long unmatchedFileKeys;
    private final long droppedLabels;

    private MultiLabels(int classes, int[][] sets, long unmatchedFileKeys, long droppedLabels) {
        this.classes = classes;
        this.sets = sets;
        int n = 0;
        for (int[] s : sets) {
            if (s.length > 0) {
                n++;
            }
        }
        this.labelled = n;
        this.unmatchedFileKeys = unmatchedFileKeys;
        this.droppedLabels = droppedLabels;
    }

    /**
     * Multi-labels given directly.
     *
     * @param classes the dataset's number of classes
     * @param sets one array of class indices per record (copied, sorted, duplicates removed); empty =
     *     excluded
     */
    public static MultiLabels of(int classes, int[][] sets) {
        int[][] copy = new int[sets.length][];
        for (int r = 0; r < sets.length; r++) {
            for (int c : sets[r]) {
                if (c < 0 || c >= classes) {
                    throw new IllegalArgumentException("record " + r + ": class " + c + " out of range [0, "
                            + classes + ")");
                }
            }
            copy[r] = normalise(sets[r]);
        }
        return new MultiLabels(classes, copy, 0, 0);
    }

    /**
     * The ReaL labels of a dataset's records.
     *
     * <p>Each record is matched to its ReaL entry by the number in its file name
     * ({@code ILSVRC2012_val_00000001} is entry 0; keys may be paths such as
     * {@code val/ILSVRC2012_val_00000001.JPEG}). Each ReaL class index is turned into a wnid through
     * {@code realWnids}, then into the dataset's class index through {@code datasetWnids}: labels whose
     * class the dataset lacks are dropped (counted in {@link #droppedLabels()}), and a record left with no
     * label is excluded like one the raters excluded. {@link #unmatchedFileKeys()} counts the file's entries
     * that no record uses.
     *
     * @param realJson the ReaL file ({@code real.json})
     * @param recordKeys the keys of the split's records, in record order
     * @param datasetWnids the dataset's classes, in its class order
     * @param realWnids ReaL's index space: the 1000 ILSVRC-2012 wnids in sorted order
     * @throws IllegalArgumentException for a malformed file, an index out of range, a key with no
     *     validation number, a file too short for the records, or repeated wnids
     */
    public static MultiLabels fromReal(Path realJson, List<String> recordKeys, List<String> datasetWnids,
                                       List<String> realWnids) throws IOException {
        Map<String, Integer> datasetIndex = index(datasetWnids, "dataset");
        index(realWnids, "ReaL");
        int[] toDataset = new int[realWnids.size()];
        for (int i = 0; i < toDataset.length; i++) {
            toDataset[i] = datasetIndex.getOrDefault(realWnids.get(i), -1);
        }
        long[] numbers = new long[recordKeys.size()];
        long highest = 0;
        int highestRecord = -1;
        for (int r = 0; r < numbers.length; r++) {
            long n = RealLabels.valNumber(recordKeys.get(r));
            if (n < 1) {
                throw new IllegalArgumentException("record " + r + " key '" + recordKeys.get(r) + "' has no "
                        + "ILSVRC-2012 validation number (ILSVRC2012_val_NNNNNNNN), so it has no ReaL label");
            }
            numbers[r] = n;
            if (n > highest) {
                highest = n;
                highestRecord = r;
            }
        }
        List<int[]> entries = RealLabels.read(realJson, realWnids.size());
        if (highest > entries.size()) {
            throw new IllegalArgumentException(realJson + " has " + entries.size() + " entries, but the records "
                    + "need entry " + highest + " (record " + highestRecord + ", '" + recordKeys.get(highestRecord)
                    + "'); ReaL covers the 50000 ILSVRC-2012 validation images");
        }
        boolean[] used = new boolean[entries.size()];
        long dropped = 0;
        int[][] sets = new int[numbers.length][];
        for (int r = 0; r < numbers.length; r++) {
            int entry = (int) (numbers[r] - 1);
            used[entry] = true;
            int[] real = entries.get(entry);
            int[] mapped = new int[real.length];
            int m = 0;
            for (int c : real) {
                int d = toDataset[c];
                if (d < 0) {
                    dropped++;
                } else {
                    mapped[m++] = d;
                }
            }
            sets[r] = normalise(Arrays.copyOf(mapped, m));
        }
        long unused = 0;
        for (boolean u : used) {
            if (!u) {
                unused++;
            }
        }
        return new MultiLabels(datasetWnids.size(), sets, unused, dropped);
    }

    /**
     * Multi-labels from a JSON object that maps record keys to lists of wnids, e.g.
     * {@code {"val/ILSVRC2012_val_00000001.JPEG": ["n01751748", "n01753488"]}}. Keys are matched exactly;
     * records the file does not mention, and those with an empty list, are excluded;
     * {@link #unmatchedFileKeys()} counts the file's keys that match no record.
     *
     * @param file the JSON file
     * @param recordKeys the keys of the split's records, in record order
     * @param datasetWnids the dataset's classes, in its class order
     * @throws IllegalArgumentException for a malformed file or a wnid that is not one of the dataset's
     */
    public static MultiLabels fromJson(Path file, List<String> recordKeys, List<String> datasetWnids)
            throws IOException {
        Map<String, Integer> datasetIndex = index(datasetWnids, "dataset");
        Map<String, List<Integer>> recordsByKey = new HashMap<>();
        for (int r = 0; r < recordKeys.size(); r++) {
            recordsByKey.computeIfAbsent(recordKeys.get(r), k -> new ArrayList<>(1)).add(r);
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " is not a multi-label file: expected a JSON object "
                    + "mapping record keys to lists of wnids");
        }
        int[][] sets = new int[recordKeys.size()][];
        Arrays.fill(sets, NONE);
        long unmatched = 0;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode list = e.getValue();
            if (!list.isArray()) {
                throw new IllegalArgumentException(file + ": the value of '" + key + "' is not a list of wnids");
            }
            int[] labels = new int[list.size()];
            for (int j = 0; j < list.size(); j++) {
                JsonNode v = list.get(j);
                if (!v.isTextual()) {
                    throw new IllegalArgumentException(file + ": '" + key + "' lists " + v + ", not a wnid");
                }
                Integer c = datasetIndex.get(v.textValue());
                if (c == null) {
                    throw new IllegalArgumentException(file + ": '" + key + "' lists wnid '" + v.textValue()
                            + "', which is not one of the dataset's " + datasetWnids.size() + " classes");
                }
                labels[j] = c;
            }
            List<Integer> records = recordsByKey.get(key);
            if (records == null) {
                unmatched++;
                continue;
            }
            int[] set = normalise(labels);
            for (int r : records) {
                sets[r] = set;
            }
        }
        return new MultiLabels(datasetWnids.size(), sets, unmatched, 0);
    }

    /** The number of records of the split. */
    public int records() {
        return sets.length;
    }

    /** The dataset's number of classes. */
    public int classes() {
        return classes;
    }

    /** The acceptable classes of a record, ascending (a copy; empty when the record is excluded). */
    public int[] labels(int record) {
        return sets[record].clone();
    }

    /** Whether the record has at least one acceptable class. */
    public boolean isLabelled(int record) {
        return sets[record].length > 0;
    }

    /** Whether {@code cls} is an acceptable class of the record. */
    public boolean accepts(int record, int cls) {
        return Arrays.binarySearch(sets[record], cls) >= 0;
    }

    /** The number of records with at least one acceptable class. */
    public int labelled() {
        return labelled;
    }

    /** Entries or keys of the source file that matched no record. */
    public long unmatchedFileKeys() {
        return unmatchedFileKeys;
    }

    /** Labels dropped because the dataset lacks their class (ReaL on a subset of the classes). */
    public long droppedLabels() {
        return droppedLabels;
    }

    private static int[] normalise(int[] labels) {
        if (labels.length == 0) {
            return NONE;
        }
        return Arrays.stream(labels).sorted().distinct().toArray();
    }

    private static Map<String, Integer> index(List<String> wnids, String what) {
        Map<String, Integer> index = new HashMap<>(wnids.size() * 2);
        for (int i = 0; i < wnids.size(); i++) {
            Integer before = index.putIfAbsent(wnids.get(i), i);
            if (before != null) {
                throw new IllegalArgumentException("the " + what + " class list names wnid '" + wnids.get(i)
                        + "' twice (classes " + before + " and " + i + ")");
            }
        }
        return index;
    }

    @Override
    public String toString() {
        return "MultiLabels[" + sets.length + " records, " + labelled + " labelled, " + classes + " classes]";
    }
}
