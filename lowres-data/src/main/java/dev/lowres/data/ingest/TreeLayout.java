package dev.lowres.data.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the class folders of an input tree name their classes ({@code --layout}).
 *
 * <p>ImageNetV2 (Recht et al., 2019, "Do ImageNet Classifiers Generalize to ImageNet?") ships its test sets
 * as folders {@code 0 .. 999}: the folder's number is the class's index among the 1000 ILSVRC-2012 wnids
 * in sorted order (0 = tench n01440764, 999 = toilet tissue n15075141), not a class name.
 */
public enum TreeLayout {
    /**
     * {@link #IMAGENETV2} when every class folder is a number 0..999 ({@link #isImagenetV2Folder}), else
     * {@link #WNID}.
     */
    AUTO,
    /**
     * Each folder is named by its class: a WordNet id ({@code n01440764}) or any other name, compared as
     * strings. What lowres has always done with class folders.
     */
    WNID,
    /**
     * Folders {@code 0 .. 999}: folder k holds the k-th of the 1000 sorted ILSVRC-2012 wnids, and the dataset
     * has all 1000 classes whichever folders are present.
     */
    IMAGENETV2;

    private static final Pattern IMAGENETV2_FOLDER = Pattern.compile("0|[1-9][0-9]{0,2}");

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TreeLayout parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "wnid", "names" -> WNID;
            case "imagenetv2" -> IMAGENETV2;
            default -> throw new IllegalArgumentException(
                    "unknown layout '" + text + "'; valid: auto, wnid, imagenetv2");
        };
    }

    /** Whether a folder name is an ImageNetV2 class index: 0..999 in decimal, no sign, no leading zero. */
    public static boolean isImagenetV2Folder(String name) {
        return IMAGENETV2_FOLDER.matcher(name).matches();
    }
}
