package dev.lowres.data.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.BuildState;
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
 * The reference pipeline a user would otherwise run: the published Imagenet32 scripts' PIL resize to PNG
 * files and packing into a pickle batch ({@code reference_pipeline.py}, bundled), run with a Python that
 * has PIL and numpy (Debian's {@code python3-pil}, {@code python3-numpy}).
 */
public final class PythonReference {
    private static final String SCRIPT = "/dev/lowres/data/bench/reference_pipeline.py";
    private final Path python;

    private PythonReference(Path python) {
        this.python = python;
    }

    /**
     * Finds a Python with PIL and numpy: the given one, else {@code /usr/bin/python3}, else {@code python3}
     * on the PATH.
     */
    public static Optional<PythonReference> find(Path preferred) {
        List<String> candidates = new ArrayList<>();
        if (preferred != null) {
            candidates.add(preferred.toString());
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String candidate : candidates) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import PIL, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(new PythonReference(Path.of(candidate)));
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
     * Runs the reference pipeline and returns its JSON report (with {@code images_per_second}).
     *
     * @param mode {@code null} for the full pipeline, or {@code --decode-only} / {@code --resize-only}
     */
    public JsonNode run(Path tree, int size, int processes, Path work, String mode) throws IOException {
        Path script = Files.createTempFile("lowres-reference", ".py");
        try (InputStream in = PythonReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException("the bundled reference_pipeline.py is missing");
            }
            Files.write(script, in.readAllBytes());
            BuildState.deleteRecursively(work);
            List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), "--input",
                    tree.toString(), "--work", work.toString(), "--size", String.valueOf(size), "--processes",
                    String.valueOf(processes), "--json"));
            if (mode != null) {
                cmd.add(mode);
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                throw new IOException("reference pipeline failed (exit " + code + "): " + out);
            }
            String json = out.lines().filter(l -> l.trim().startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("reference pipeline printed no JSON: " + out));
            return Json.mapper().readTree(json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(script);
            BuildState.deleteRecursively(work);
        }
    }
}
