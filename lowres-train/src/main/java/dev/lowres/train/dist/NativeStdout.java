package dev.lowres.train.dist;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Native code's lines on the process's standard output (file descriptor 1), filtered: while {@link #filtered}
 * runs its body, descriptor 1 points at a temporary file; afterwards it points back, and the captured lines that
 * are not dropped are written to the given stream in their order. Gloo prints "[Gloo] Rank 0 is connected to 1
 * peer ranks..." with {@code std::cout} whenever a group forms, which would land in the middle of lowres's own
 * output (and of anything a script reads from it); lowres says what the line says in its own words.
 *
 * <p>Java's own writes to {@code System.out} during the body go through descriptor 1 too, so they are captured
 * and replayed in place, not lost. Where libc cannot be reached through JNA (not a POSIX system), the body runs
 * unfiltered.
 */
final class NativeStdout {
    private static final int STDOUT = 1;
    private static final int O_WRONLY = 1;

    private NativeStdout() {
    }

    /** Gloo's connection report. */
    static boolean isGlooReport(String line) {
        return line.startsWith("[Gloo] ");
    }

    /** Guards the capture shared by the bodies running at once (ranks of one process, in tests). */
    private static final Object LOCK = new Object();
    private static Capture open;

    /** Descriptor 1 redirected to a file, while {@code users} bodies run. */
    private static final class Capture {
        final Libc libc;
        final Path file;
        final int saved;
        final int fd;
        final PrintStream out;
        final java.util.List<Predicate<String>> drops = new java.util.ArrayList<>();
        int users;

        Capture(Libc libc, Path file, int saved, int fd, PrintStream out) {
            this.libc = libc;
            this.file = file;
            this.saved = saved;
            this.fd = fd;
            this.out = out;
        }
    }

    /**
     * Runs {@code body} with native standard output captured, then writes the captured lines that {@code drop}
     * does not match to {@code out}. Bodies that overlap in time (several ranks in one process) share one
     * capture, replayed when the last one ends, to the first one's stream.
     */
    static <T> T filtered(Predicate<String> drop, PrintStream out, Supplier<T> body) {
        Capture capture = enter(drop, out);
        try {
            return body.get();
        } finally {
            if (capture != null) {
                leave(capture);
            }
        }
    }

    private static Capture enter(Predicate<String> drop, PrintStream out) {
        synchronized (LOCK) {
            if (open == null) {
                open = redirect(out);
            }
            if (open != null) {
                open.users++;
                open.drops.add(drop);
            }
            return open;
        }
    }

    private static void leave(Capture c) {
        synchronized (LOCK) {
            if (--c.users > 0) {
                return;
            }
            open = null;
            System.out.flush();
            c.libc.flushAll();
            c.libc.dup2(c.saved, STDOUT);
            close(c.libc, c.fd, c.saved);
            replay(c.file, line -> c.drops.stream().anyMatch(d -> d.test(line)), c.out);
        }
    }

    /** Points descriptor 1 at a new temporary file; null (nothing redirected) where that cannot be done. */
    private static Capture redirect(PrintStream out) {
        Libc libc = Libc.load();
        if (libc == null) {
            return null;
        }
        Path file;
        try {
            file = Files.createTempFile("lowres-stdout-", ".txt");
        } catch (IOException e) {
            return null;
        }
        System.out.flush();
        libc.flushAll();
        int saved = libc.dup(STDOUT);
        int fd = saved < 0 ? -1 : libc.open(file.toString(), O_WRONLY);
        if (fd < 0 || libc.dup2(fd, STDOUT) < 0) {
            close(libc, fd, saved);
            delete(file);
            return null;
        }
        return new Capture(libc, file, saved, fd, out);
    }

    private static void replay(Path capture, Predicate<String> drop, PrintStream out) {
        try {
            for (String line : Files.readAllLines(capture, StandardCharsets.UTF_8)) {
                if (!drop.test(line)) {
                    out.println(line);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back the captured standard output " + capture, e);
        } finally {
            delete(capture);
        }
    }

    private static void close(Libc libc, int file, int saved) {
        if (file >= 0) {
            libc.close(file);
        }
        if (saved >= 0) {
            libc.close(saved);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the system's cleaning takes it
        }
    }
}
