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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a Python interpreter that has PIL and numpy (the reference pipeline) and runs scripts with it.
 * Tests that need one call {@link #require()} (or {@link #requireNumpy()}), which skips them where none exists,
 * naming the missing Debian package ({@code python3-pil not installed}, {@code python3-numpy not installed}).
 *
 * <p>Candidates, in order: {@code -Dlowres.python=PATH}, {@code $LOWRES_PYTHON}, {@code /usr/bin/python3}
 * (Debian's, which has PIL where a pyenv {@code python3} may not), then {@code python3} and {@code python}
 * on {@code PATH}. The first that imports both wins; the search runs once per JVM.
 */
public final class Python {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static final String NUMPY = "numpy";
    private static final String PIL = "PIL";
    private static final Map<String, String> PACKAGES = Map.of(NUMPY, "python3-numpy", PIL, "python3-pil");
    private static List<Probe> probes;

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
        return probes().stream().filter(p -> p.missing().isEmpty()).map(Probe::python).findFirst();
    }

    /** The PIL version of {@link #find()}'s interpreter, if there is one. */
    public static synchronized Optional<String> pilVersion() {
        return probes().stream().filter(p -> p.missing().isEmpty()).map(Probe::pilVersion).findFirst();
    }

    /**
     * The interpreter, or skips the calling test (JUnit assumption) when there is none, with a message that names
     * the missing Debian package ({@code python3-pil not installed}, ...).
     */
    public static Path require() {
        Optional<Path> python = find();
        Assumptions.assumeTrue(python.isPresent(), () -> missing(List.of(NUMPY, PIL)));
        return python.get();
    }

    /** An interpreter with numpy (PIL not needed), or skips the calling test (numpy-file tests). */
    public static String requireNumpy() {
        Optional<Path> python = probes().stream().filter(p -> !p.missing().contains(NUMPY)).map(Probe::python)
                .findFirst();
        Assumptions.assumeTrue(python.isPresent(), () -> missing(List.of(NUMPY)));
        return python.get().toString();
    }

    /** Why no candidate will do, naming the Debian packages to install. */
    private static String missing(List<String> modules) {
        List<Probe> probes = probes();
        if (probes.isEmpty()) {
            return "python3 not installed (no /usr/bin/python3, python3 or python on PATH); "
                    + "apt-get install python3 python3-pil python3-numpy, or set -Dlowres.python=PATH";
        }
        // the packages the first candidate (Debian's python3 where there is one) lacks
        List<String> packages = modules.stream().filter(probes.get(0).missing()::contains)
                .map(m -> PACKAGES.get(m)).toList();
        StringBuilder tried = new StringBuilder();
        for (Probe p : probes) {
            tried.append(tried.length() == 0 ? "" : ", ").append(p.python()).append(p.missing().isEmpty() ? ""
                    : " has no " + String.join(" or ", p.missing()));
        }
        return String.join(", ", packages) + " not installed (tried " + tried + "); apt-get install "
                + String.join(" ", packages) + ", or set -Dlowres.python=PATH";
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

    /** Each candidate and what it lacks, found once per JVM. */
    private static synchronized List<Probe> probes() {
        if (probes == null) {
            List<Probe> out = new ArrayList<>();
            for (Path candidate : candidates()) {
                probe(candidate).ifPresent(out::add);
            }
            probes = List.copyOf(out);
        }
        return probes;
    }

    /** What {@code python} can import of numpy and PIL; empty when it does not run. */
    private static Optional<Probe> probe(Path python) {
        String script = String.join("\n",
                "missing = []",
                "try:",
                "    import numpy",
                "    numpy.__version__",
                "except Exception:",
                "    missing.append('numpy')",
                "try:",
                "    import PIL.Image",
                "    print(PIL.__version__)",
                "except Exception:",
                "    missing.append('PIL')",
                "    print('-')",
                "print(' '.join(missing))");
        try {
            Result r = exec(List.of(python.toString(), "-c", script), PROBE_TIMEOUT);
            if (r.exitCode() != 0) {
                return Optional.empty();
            }
            String[] lines = (r.stdout() + "\n").split("\n", -1);
            List<String> missing = lines[1].isBlank() ? List.of() : List.of(lines[1].trim().split(" "));
            return Optional.of(new Probe(python, missing, lines[0].trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A candidate interpreter, the modules it lacks ({@code numpy}, {@code PIL}) and its PIL version. */
    private record Probe(Path python, List<String> missing, String pilVersion) {
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
