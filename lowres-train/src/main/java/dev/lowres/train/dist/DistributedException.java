package dev.lowres.train.dist;

/**
 * A collective or the rendezvous failed: another rank died or cannot be reached, or the timeout passed. The
 * message says which operation, at which step where known, and what to do.
 */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message, Throwable cause) {
        super(message, cause);
    }
}
