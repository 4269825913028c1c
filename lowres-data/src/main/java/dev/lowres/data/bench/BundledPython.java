package dev.lowres.data.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts bundled with the benchmarks (the tools a user would otherwise use: the published
 * PIL pipeline, a PyTorch DataLoader) with a Python that has the modules they need, and reads the one JSON
 * object each prints.
 */
public final class BundledPython {
    private static final String DIR = "/dev/lowres/data/bench/";
    private final Path python;

    private BundledPython(Path python) {
        this.python = python;
    }

    /**
     * Finds a Python that imports {@code modules}: the given one, else {@code /usr/bin/python3} (Debian's,
     * where python3-pil, python3-numpy, python3-torch install), else {@code python3} on the PATH.
     */
    public static Optional<BundledPython> find(Path preferred, String... modules) {
        List<String> candidates = new ArrayList<>();
        if (preferred != null) {
            candidates.add(preferred.toString());
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        String imports = "import " + String.join(", ", modules);
        for (String candidate : candidates) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", imports).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(new BundledPython(Path.of(candidate)));
                }
            } catch (IOException e) {
                // not there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public Path python() {
        return python;
    }

    /**
     * Runs a bundled script with {@code args} (its {@code --json} included by the caller) and returns the
     * last JSON object it printed.
     */
    public JsonNode run(String script, List<String> args) throws IOException {
        Path file = Files.createTempFile("lowres-" + script.replace(".py", ""), ".py");
        try (InputStream in = BundledPython.class.getResourceAsStream(DIR + script)) {
            if (in == null) {
                throw new IOException("the bundled " + script + " is missing");
            }
            Files.write(file, in.readAllBytes());
            List<String> cmd = new ArrayList<>(List.of(python.toString(), file.toString()));
            cmd.addAll(args);
            Path err = Files.createTempFile("lowres-python", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int code = p.waitFor();
                if (code != 0) {
                    throw new IOException(script + " failed (exit " + code + "): "
                            + Files.readString(err, StandardCharsets.UTF_8).trim() + " " + out.trim());
                }
                String json = out.lines().filter(l -> l.trim().startsWith("{")).reduce((a, b) -> b)
                        .orElseThrow(() -> new IOException(script + " printed no JSON: " + out));
                return Json.mapper().readTree(json);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
