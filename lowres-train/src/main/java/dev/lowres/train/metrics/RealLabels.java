package dev.lowres.train.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ReaL labels of the ILSVRC-2012 validation set (Beyer, H&eacute;naff, Kolesnikov, Zhai &amp; van den
 * Oord 2020, "Are we done with ImageNet?"; file {@code real.json} of google-research/reassessed-imagenet).
 *
 * <p>The file is a JSON array with one entry per validation image in file-name order (entry 0 is
 * {@code ILSVRC2012_val_00000001.JPEG}); each entry is the list of acceptable classes as 0-based indices
 * into the 1000 classes in sorted-wnid order; an empty list means the raters excluded the image. See
 * {@link MultiLabels#fromReal} to map them onto a dataset's records and classes.
 */
public final class RealLabels {
    private static final Pattern VAL_NUMBER = Pattern.compile("ILSVRC2012_val_(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RealLabels() {
    }

    /**
     * Reads a ReaL file.
     *
     * @param realJson the file
     * @param classes the size of its index space (1000); every index must be in {@code [0, classes)}
     * @return one array per validation image, in file order (empty = excluded)
     * @throws IllegalArgumentException when the file is not a JSON array of arrays of integers in range
     * @throws IOException when it cannot be read
     */
    public static List<int[]> read(Path realJson, int classes) throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(realJson)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(realJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(realJson + " is not a ReaL label file: expected a JSON array of "
                    + "arrays of class indices, found " + describe(root));
        }
        List<int[]> entries = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            if (!entry.isArray()) {
                throw new IllegalArgumentException(realJson + ": entry " + i + " (" + fileName(i + 1)
                        + ") is not an array of class indices but " + describe(entry));
            }
            int[] labels = new int[entry.size()];
            for (int j = 0; j < entry.size(); j++) {
                JsonNode v = entry.get(j);
                if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                    throw new IllegalArgumentException(realJson + ": entry " + i + " (" + fileName(i + 1)
                            + ") holds " + describe(v) + ", not a class index");
                }
                int c = v.intValue();
                if (c < 0 || c >= classes) {
                    throw new IllegalArgumentException(realJson + ": entry " + i + " (" + fileName(i + 1)
                            + ") holds class index " + c + ", out of range [0, " + classes + ")");
                }
                labels[j] = c;
            }
            entries.add(labels);
        }
        return entries;
    }

    /**
     * The validation number of a record key ({@code ILSVRC2012_val_00000001} gives 1), from its last path
     * segment; -1 when it has none.
     */
    public static long valNumber(String recordKey) {
        String base = recordKey.substring(Math.max(recordKey.lastIndexOf('/'), recordKey.lastIndexOf('\\')) + 1);
        Matcher m = VAL_NUMBER.matcher(base);
        if (!m.find()) {
            return -1;
        }
        String digits = m.group(1);
        if (digits.length() > 12) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** The validation file name of a 1-based number. */
    static String fileName(long number) {
        return String.format("ILSVRC2012_val_%08d.JPEG", number);
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing (an empty file)";
        }
        String text = node.toString();
        String kind = node.getNodeType().name().toLowerCase();
        return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
