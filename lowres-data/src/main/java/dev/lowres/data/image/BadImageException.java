package dev.lowres.data.image;

/**
 * An input that cannot become a dataset record. The build skips it and records {@link #reason()} and
 * the message in the manifest; it never aborts a build.
 */
public final class BadImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an input was refused; the names are stable and appear in manifests. */
    public enum Reason {
        /** The file has no bytes. */
        EMPTY,
        /** The bytes are not an image format lowres (or PIL) reads. */
        NOT_AN_IMAGE,
        /** The file ends before the image data does. */
        TRUNCATED,
        /** The decoder failed on damaged data. */
        CORRUPT,
        /** The header declares more pixels than the limit (a decompression bomb). */
        TOO_MANY_PIXELS,
        /** A valid image of a kind that is not supported (e.g. 12-bit JPEG). */
        UNSUPPORTED,
        /** The file could not be read from disk. */
        UNREADABLE,
        /** The file's name cannot be stored as a key (it holds a line break). */
        BAD_FILE_NAME;

        /** The lower-case name used in manifests, e.g. {@code too_many_pixels}. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public BadImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BadImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
