package dev.lowres.data.classes;

import java.util.Locale;

/** How the classes of a built dataset are numbered. */
public enum ClassOrder {
    /**
     * Sorted WordNet ids (torchvision, timm, ReaL, ImageNetV2): tench n01440764 = 0. Folder names are
     * compared as strings, which is right for wnids.
     */
    SORTED,
    /**
     * The ILSVRC2015 clsloc order of {@code map_clsloc.txt} used by the published downsampled files
     * (kit_fox n02119789 = 0 here, 1 in their 1-based labels).
     */
    IMAGENET32;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClassOrder parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "sorted" -> SORTED;
            case "imagenet32", "clsloc" -> IMAGENET32;
            default -> throw new IllegalArgumentException(
                    "unknown class order '" + text + "'; valid: sorted, imagenet32");
        };
    }
}
