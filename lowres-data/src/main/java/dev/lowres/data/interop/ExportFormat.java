package dev.lowres.data.interop;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file layouts {@link Exporter} writes; {@link #id()} is the name used on the command line. */
public enum ExportFormat {
    /**
     * The downsampled-ImageNet npz batches: {@code train_data_batch_<n>.npz} and {@code <split>_data.npz},
     * each a stored zip of {@code data.npy}, {@code labels.npy} (1-based clsloc) and {@code mean.npy}.
     */
    IMAGENET32_NPZ("imagenet32-npz");

    private final String id;

    ExportFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The format named {@code text}; the error lists the valid names. */
    public static ExportFormat parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (f.id.equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown export format '" + text + "'; valid: "
                + Arrays.stream(values()).map(ExportFormat::id).collect(Collectors.joining(", ")));
    }
}
