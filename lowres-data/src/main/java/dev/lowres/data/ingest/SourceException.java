package dev.lowres.data.ingest;

/** An input tree or option that cannot be built from, with a message that says what to do. */
public class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
