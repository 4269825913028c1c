package dev.lowres.data.corrupt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The corruptions lowres computes, named as in Hendrycks &amp; Dietterich's scripts ({@code make_cifar_c.py},
 * {@code make_tinyimagenet_c.py}, {@code make_imagenet_64_c.py} in github.com/hendrycks/robustness,
 * {@code ImageNet-C/create_c/}): the id is the name of the function there and of the {@code .npy} file
 * of CIFAR-10-C. What each does and its severity parameters are in {@link Corruptions} and
 * {@link ParameterTable}.
 */
public enum Corruption {
    /** {@code clip(x + N(0, c))} per value. */
    GAUSSIAN_NOISE("gaussian_noise"),
    /** {@code clip(Poisson(x * c) / c)} per value. */
    SHOT_NOISE("shot_noise"),
    /** Salt and pepper: each value becomes 0 or 1 (even odds) with probability {@code c}. */
    IMPULSE_NOISE("impulse_noise"),
    /** {@code clip(x + x * N(0, c))} per value (one of the four "extra" corruptions of the paper). */
    SPECKLE_NOISE("speckle_noise"),
    /** Gaussian filter of standard deviation {@code c} pixels per channel (scipy: mode 'nearest', truncate 4). */
    GAUSSIAN_BLUR("gaussian_blur"),
    /** {@code (x - mean) * c + mean}, the mean per channel over the image. */
    CONTRAST("contrast"),
    /** HSV value channel {@code V = clip(V + c)}. */
    BRIGHTNESS("brightness"),
    /** Re-encoded as a JPEG of quality {@code c} (IJG / PIL quality scale) and decoded. */
    JPEG_COMPRESSION("jpeg_compression"),
    /** PIL BOX resize to {@code int(side * c)} and back. */
    PIXELATE("pixelate");

    private final String id;

    Corruption(String id) {
        this.id = id;
    }

    /** The lower-case id, e.g. {@code gaussian_noise}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /** All ids, comma-separated, in declaration order. */
    public static String validIds() {
        return Arrays.stream(values()).map(Corruption::id).collect(Collectors.joining(", "));
    }

    /**
     * The corruption with this id (case-insensitive; {@code -} may stand for {@code _}).
     *
     * @throws IllegalArgumentException naming the valid ids when there is none
     */
    public static Corruption parse(String id) {
        if (id == null) {
            throw new IllegalArgumentException("no corruption given; valid: " + validIds());
        }
        String key = id.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Corruption c : values()) {
            if (c.id.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown corruption '" + id + "'; valid: " + validIds() + " (or all)");
    }

    /**
     * {@code "all"} (every corruption, in declaration order) or a comma-separated list of ids, kept in the
     * order given.
     *
     * @throws IllegalArgumentException on an empty list, an empty item, an unknown id or a repeated one
     */
    public static List<Corruption> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("no corruptions given; use all or a comma list of: " + validIds());
        }
        if (list.trim().equalsIgnoreCase("all")) {
            return List.of(values());
        }
        Set<Corruption> out = new LinkedHashSet<>();
        for (String item : list.split(",", -1)) {
            if (item.isBlank()) {
                throw new IllegalArgumentException("empty item in corruption list '" + list + "'");
            }
            Corruption c = parse(item);
            if (!out.add(c)) {
                throw new IllegalArgumentException("corruption '" + c.id + "' listed twice in '" + list + "'");
            }
        }
        return List.copyOf(new ArrayList<>(out));
    }
}
