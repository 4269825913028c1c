package dev.lowres.data.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a Python interpreter that has numpy, for tests that check lowres against real numpy files, and
 * runs scripts with it. Candidates, first that imports numpy wins: {@code -Dlowres.python},
 * {@code $LOWRES_PYTHON}, {@code /usr/bin/python3} (Debian's, which has numpy and PIL), {@code python3} and
 * {@code python} on the PATH (a pyenv {@code python3} often lacks numpy).
 */
public final class Python {
    private static final long PROBE_SECONDS = 30;
    private static Optional<String> found;

    private Python() {
    }

    /** The interpreter with numpy, if there is one (probed once per JVM). */
    public static synchronized Optional<String> withNumpy() {
        if (found == null) {
            found = probe();
        }
        return found;
    }

    /** The interpreter with numpy; skips the calling test (a JUnit assumption) when there is none. */
    public static String requireNumpy() {
        Optional<String> python = withNumpy();
        Assumptions.assumeTrue(python.isPresent(),
                "no Python with numpy found (tried -Dlowres.python, $LOWRES_PYTHON, /usr/bin/python3, python3, python)");
        return python.get();
    }

    /**
     * Runs {@code script} ({@code python -c script args...}, so {@code sys.argv[1:]} are the args) and
     * returns its standard output; fails the test with its standard error when it exits non-zero.
     */
    public static String run(String python, String script, String... args) {
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("lowres-python", ".out");
            Path err = Files.createTempFile("lowres-python", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("python did not finish in 300 s");
                }
                String stdout = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    fail("python exited with " + p.exitValue() + ":\n" + Files.readString(err, StandardCharsets.UTF_8)
                            + stdout);
                }
                return stdout;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + python + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Optional<String> probe() {
        Set<String> candidates = new LinkedHashSet<>();
        String property = System.getProperty("lowres.python");
        if (property != null && !property.isBlank()) {
            candidates.add(property);
        }
        String env = System.getenv("LOWRES_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        candidates.add("python");
        for (String c : candidates) {
            if (c.startsWith("/") && !Files.isExecutable(Path.of(c))) {
                continue;
            }
            if (hasNumpy(c)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static boolean hasNumpy(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import numpy")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
