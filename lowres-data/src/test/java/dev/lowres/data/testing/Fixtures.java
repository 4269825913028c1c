package dev.lowres.data.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/** Locates {@code ../shared/fixtures} (the project's shared inputs and PIL reference outputs). */
public final class Fixtures {
    private Fixtures() {
    }

    /** The shared folder beside the repository. */
    public static Path shared() {
        String configured = System.getProperty("lowres.shared");
        if (configured != null && Files.isDirectory(Paths.get(configured, "fixtures"))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("../shared/fixtures not found; set -Dlowres.shared=PATH");
    }

    public static Path images() {
        return shared().resolve("fixtures/images");
    }

    public static Path bad() {
        return shared().resolve("fixtures/bad");
    }

    public static Path reference() {
        return shared().resolve("fixtures/reference");
    }

    public static Path imagenetReference() {
        return shared().resolve("reference/imagenet");
    }

    /** File names in a fixture folder, sorted. */
    public static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
