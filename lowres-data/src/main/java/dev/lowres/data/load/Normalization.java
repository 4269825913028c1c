package dev.lowres.data.load;

import java.util.Locale;

/** How float batches are normalised (uint8 batches are raw pixels). */
public enum Normalization {
    /** {@code v / 255}. */
    UNIT,
    /** {@code (v - mean[c]) / std[c]} with the split's per-channel statistics from the manifest. */
    CHANNEL,
    /**
     * The paper's: {@code (v - meanImage[c, y, x]) / 255}, the train split's mean image (Chrabaszcz et al.
     * 2017 subtract it from every image and scale to [0, 1]).
     */
    MEAN_IMAGE;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Normalization parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Normalization n : values()) {
            if (n.id().equals(t)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown normalization '" + text + "'; valid: unit, channel, mean-image");
    }
}
