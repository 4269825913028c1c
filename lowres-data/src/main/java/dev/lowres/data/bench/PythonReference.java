package dev.lowres.data.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.BuildState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reference pipeline a user would otherwise run: the published Imagenet32 scripts' PIL resize to PNG
 * files and packing into a pickle batch ({@code reference_pipeline.py}, bundled), run with a Python that
 * has PIL and numpy (Debian's {@code python3-pil}, {@code python3-numpy}).
 */
public final class PythonReference {
    private final BundledPython python;

    private PythonReference(BundledPython python) {
        this.python = python;
    }

    /** Finds a Python with PIL and numpy (see {@link BundledPython#find}). */
    public static Optional<PythonReference> find(Path preferred) {
        return BundledPython.find(preferred, "PIL", "numpy").map(PythonReference::new);
    }

    public Path python() {
        return python.python();
    }

    /**
     * Runs the reference pipeline and returns its JSON report (with {@code images_per_second}).
     *
     * @param mode {@code null} for the full pipeline, or {@code --decode-only} / {@code --resize-only}
     */
    public JsonNode run(Path tree, int size, int processes, Path work, String mode) throws IOException {
        BuildState.deleteRecursively(work);
        List<String> args = new ArrayList<>(List.of("--input", tree.toString(), "--work", work.toString(),
                "--size", String.valueOf(size), "--processes", String.valueOf(processes), "--json"));
        if (mode != null) {
            args.add(mode);
        }
        try {
            return python.run("reference_pipeline.py", args);
        } finally {
            BuildState.deleteRecursively(work);
        }
    }
}
