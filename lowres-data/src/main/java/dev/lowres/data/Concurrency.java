package dev.lowres.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The little concurrency the data stages share: daemon worker threads and waiting for their results. */
public final class Concurrency {
    private Concurrency() {
    }

    /** Daemon threads named {@code prefix0, prefix1, ...}, so that an interrupted command can exit. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Waits for a task and rethrows what it threw as itself: an {@link IOException} (also when wrapped
     * in an {@link UncheckedIOException}), a runtime exception or an error.
     *
     * @param what what the task is, for the message when the wait is interrupted
     */
    public static <T> T await(Future<T> future, String what) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Stops a pool and waits for its threads to end (up to a minute): after a failure no task of it may still
     * write a file, or use a native decoder that is about to be closed.
     */
    public static void stop(java.util.concurrent.ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
