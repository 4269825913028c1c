package dev.lowres.data.ingest;

import dev.lowres.data.classes.ImageNetClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Labels of a flat validation folder, by file stem ({@code ILSVRC2012_val_00000001}) to wnid, from one of:
 * Kaggle's {@code LOC_val_solution.csv}; the ILSVRC2015 clsloc ground truth (one 1-based clsloc label per
 * line, line i for {@code ILSVRC2012_val_<i>}), which is also bundled; or lines of "file wnid".
 */
public final class ValidationLabels {
    /** The Kaggle file name searched for. */
    public static final String LOC_SOLUTION = "LOC_val_solution.csv";
    /** The published scripts' file that maps validation file names to ground-truth lines. */
    public static final String VAL_TXT = "val.txt";
    /** The ground-truth file name searched for. */
    public static final String CLSLOC_GROUND_TRUTH = "ILSVRC2015_clsloc_validation_ground_truth.txt";
    private static final Pattern ILSVRC_VAL = Pattern.compile("ILSVRC2012_val_(\\d{8})");

    private final Map<String, String> wnidByStem;
    private final String description;

    private ValidationLabels(Map<String, String> wnidByStem, String description) {
        this.wnidByStem = wnidByStem;
        this.description = description;
    }

    /** The wnid of a file, by its name without extension; null when the labels do not cover it. */
    public String wnid(String fileName) {
        return wnidByStem.get(stem(fileName));
    }

    /** Where the labels came from, for the build's notes. */
    public String description() {
        return description;
    }

    /** The file's name without its extension. */
    public static String stem(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    /**
     * Finds the labels of a flat validation folder.
     *
     * @param explicit a file given by the user, or null
     * @param searchDirs folders to look in for {@value #LOC_SOLUTION} or {@value #CLSLOC_GROUND_TRUTH}
     * @param fileNames the folder's files, to decide whether the bundled ground truth applies
     */
    public static ValidationLabels find(Path explicit, List<Path> searchDirs, List<String> fileNames)
            throws IOException, SourceException {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new SourceException("validation labels file not found: " + explicit);
            }
            return read(explicit);
        }
        for (String name : List.of(LOC_SOLUTION, CLSLOC_GROUND_TRUTH)) {
            for (Path dir : new LinkedHashSet<>(searchDirs)) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return read(candidate);
                }
            }
        }
        boolean ilsvrcNames = !fileNames.isEmpty()
                && fileNames.stream().allMatch(f -> ILSVRC_VAL.matcher(stem(f)).matches());
        if (ilsvrcNames) {
            return fromClslocLabels(ImageNetClasses.validationGroundTruth(),
                    "bundled ILSVRC2015 clsloc validation ground truth");
        }
        throw new SourceException("a flat validation folder needs labels: put " + LOC_SOLUTION + " or "
                + CLSLOC_GROUND_TRUTH + " beside it, or give --val-labels FILE");
    }

    /** Reads a label file, recognising its format from its content. */
    public static ValidationLabels read(Path file) throws IOException, SourceException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        if (first.startsWith("ImageId")) {
            Map<String, String> map = new HashMap<>();
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new SourceException(file + ":" + (i + 1) + ": expected 'ImageId,PredictionString'");
                }
                String[] prediction = line.substring(comma + 1).trim().split("\\s+");
                map.put(line.substring(0, comma).trim(), prediction[0]);
            }
            return new ValidationLabels(map, file.toString());
        }
        if (first.trim().matches("\\d+")) {
            int[] labels = lines.stream().map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            Path names = file.resolveSibling(VAL_TXT);
            if (Files.isRegularFile(names)) {
                return fromClslocLabels(labels, readLineNumbers(names), file + " with " + names);
            }
            return fromClslocLabels(labels, file.toString());
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("[\\s,]+");
            if (parts.length < 2) {
                throw new SourceException(file + ":" + (i + 1) + ": expected 'file wnid'");
            }
            map.put(stem(parts[0]), parts[1]);
        }
        return new ValidationLabels(map, file.toString());
    }

    /**
     * The published scripts' {@code val.txt}: "ILSVRC2012_val_00000001 1" lines giving the ground-truth line
     * of each validation file.
     */
    private static Map<String, Integer> readLineNumbers(Path file) throws IOException, SourceException {
        Map<String, Integer> lines = new HashMap<>();
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[1].matches("\\d+")) {
                throw new SourceException(file + ":" + (i + 1) + ": expected 'ILSVRC2012_val_<n> <line>'");
            }
            lines.put(stem(parts[0]), Integer.parseInt(parts[1]));
        }
        return lines;
    }

    private static ValidationLabels fromClslocLabels(int[] labels, Map<String, Integer> lineOf, String description)
            throws SourceException {
        ImageNetClasses classes = ImageNetClasses.get();
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<String, Integer> e : lineOf.entrySet()) {
            int line = e.getValue();
            if (line < 1 || line > labels.length || labels[line - 1] < 1 || labels[line - 1] > classes.size()) {
                throw new SourceException(description + ": " + e.getKey() + " points at line " + line
                        + ", which has no label 1.." + classes.size());
            }
            map.put(e.getKey(), classes.wnidOfClsloc(labels[line - 1]));
        }
        return new ValidationLabels(map, description);
    }

    private static ValidationLabels fromClslocLabels(int[] labels, String description) throws SourceException {
        ImageNetClasses classes = ImageNetClasses.get();
        Map<String, String> map = new HashMap<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 1 || labels[i] > classes.size()) {
                bad.add("line " + (i + 1));
                continue;
            }
            map.put(String.format(java.util.Locale.ROOT, "ILSVRC2012_val_%08d", i + 1),
                    classes.wnidOfClsloc(labels[i]));
        }
        if (!bad.isEmpty()) {
            throw new SourceException(description + ": labels outside 1.." + classes.size() + " at " + bad);
        }
        return new ValidationLabels(map, description);
    }

    /** Whether a file stem looks like an ILSVRC2012 validation image. */
    public static boolean isIlsvrcValidationName(String fileName) {
        Matcher m = ILSVRC_VAL.matcher(stem(fileName));
        return m.matches();
    }
}
