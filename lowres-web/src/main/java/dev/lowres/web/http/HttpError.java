package dev.lowres.web.http;

/**
 * A request that cannot be answered, with the status and the message the user sees. Anything else thrown by a
 * handler becomes a 500 whose body says only that the server failed (the details go to the server's log).
 */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    public static HttpError forbidden(String message) {
        return new HttpError(403, message);
    }
}
