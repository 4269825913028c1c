package dev.lowres.data.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a Python interpreter that has PIL and numpy (the reference pipeline) and runs scripts with it.
 * Tests that need one call {@link #require()}, which skips them where none exists.
 *
 * <p>Candidates, in order: {@code -Dlowres.python=PATH}, {@code $LOWRES_PYTHON}, {@code /usr/bin/python3}
 * (Debian's, which has PIL where a pyenv {@code python3} may not), then {@code python3} and {@code python}
 * on {@code PATH}. The first that imports both wins; the search runs once per JVM.
 */
public final class Python {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static Optional<Path> found;
    private static String pilVersion;

    private Python() {
    }

    /** The output of a finished script. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** Returns this result, or throws with the script's output when it failed. */
        public Result orThrow(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed with exit code " + exitCode
                        + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr);
            }
            return this;
        }
    }

    /** A Python with PIL and numpy, if there is one. */
    public static synchronized Optional<Path> find() {
        if (found == null) {
            found = Optional.empty();
            for (Path candidate : candidates()) {
                Optional<String> version = probe(candidate);
                if (version.isPresent()) {
                    found = Optional.of(candidate);
                    pilVersion = version.get();
                    break;
                }
            }
        }
        return found;
    }

    /** The PIL version of {@link #find()}'s interpreter, if there is one. */
    public static synchronized Optional<String> pilVersion() {
        return find().map(unused -> pilVersion);
    }

    /** The interpreter, or skips the calling test (JUnit assumption) when there is none. */
    public static Path require() {
        Optional<Path> python = find();
        Assumptions.assumeTrue(python.isPresent(),
                "no Python with PIL and numpy found (tried " + candidates() + "); set -Dlowres.python=PATH");
        return python.get();
    }

    /**
     * Runs {@code script} with {@link #find()}'s interpreter.
     *
     * @throws IllegalStateException when there is no such interpreter or the script ran past the timeout
     */
    public static Result run(Path script, List<String> args, Duration timeout) throws IOException {
        Path python = find().orElseThrow(() -> new IllegalStateException("no Python with PIL and numpy"));
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.add(script.toString());
        command.addAll(args);
        return exec(command, timeout);
    }

    /** The interpreter as a string, or skips the calling test when there is none (numpy-file tests). */
    public static String requireNumpy() {
        return require().toString();
    }

    /**
     * Runs {@code python -c script args...} ({@code sys.argv[1:]} are the args) and returns its standard
     * output; fails the test with the script's standard error when it exits non-zero.
     */
    public static String run(String python, String script, String... args) {
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(List.of(args));
        try {
            return exec(command, Duration.ofSeconds(300)).orThrow("python -c").stdout();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + python, e);
        }
    }

    /** Copies a classpath resource (e.g. {@code /pil/random_cases.py}) to {@code dir} and returns its path. */
    public static Path resource(String name, Path dir) throws IOException {
        try (InputStream in = Python.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource not found: " + name);
            }
            Path out = dir.resolve(Paths.get(name).getFileName().toString());
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    private static List<Path> candidates() {
        Set<Path> out = new LinkedHashSet<>();
        String property = System.getProperty("lowres.python");
        if (property != null && !property.isBlank()) {
            out.add(Paths.get(property));
        }
        String env = System.getenv("LOWRES_PYTHON");
        if (env != null && !env.isBlank()) {
            out.add(Paths.get(env));
        }
        out.add(Paths.get("/usr/bin/python3"));
        String path = System.getenv("PATH");
        for (String name : new String[] {"python3", "python"}) {
            if (path == null) {
                break;
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    out.add(Paths.get(dir, name));
                }
            }
        }
        return out.stream().filter(Files::isExecutable).toList();
    }

    private static Optional<String> probe(Path python) {
        try {
            Result r = exec(List.of(python.toString(), "-c", "import numpy, PIL; print(PIL.__version__)"),
                    PROBE_TIMEOUT);
            return r.exitCode() == 0 ? Optional.of(r.stdout().trim()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Result exec(List<String> command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close(); // no input
        FutureTask<String> stdout = drain(process.getInputStream(), "stdout");
        FutureTask<String> stderr = drain(process.getErrorStream(), "stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " ran past " + timeout);
            }
            return new Result(process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException e) {
            throw new IOException("could not read the output of " + command, e.getCause());
        }
    }

    /** Reads a stream to its end on a daemon thread, so that a chatty script never blocks on a full pipe. */
    private static FutureTask<String> drain(InputStream in, String name) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread thread = new Thread(task, "python-" + name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }
}
