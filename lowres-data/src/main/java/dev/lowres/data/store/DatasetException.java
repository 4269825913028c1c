package dev.lowres.data.store;

/** A dataset directory that cannot be used as asked, with a message that names the file at fault. */
public class DatasetException extends Exception {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
