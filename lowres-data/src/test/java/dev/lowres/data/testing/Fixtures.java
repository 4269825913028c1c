package dev.lowres.data.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Locates the project's test fixtures, which lowres-data carries as test resources:
 * {@code fixtures/} (inputs, bad inputs and PIL's reference outputs, made by
 * {@code lowres-data/src/test/fixtures/make_fixtures.py}; see its {@code fixtures.json}) and
 * {@code reference/imagenet/} (the Imagenet32_Scripts class list and validation labels).
 *
 * <p>They are found on the class path, so they work from any working directory: as
 * {@code target/test-classes} in lowres-data's own tests, and inside the lowres-data test-jar in lowres-train's
 * and lowres-cli's, where they are unpacked once per JVM into a temporary folder (tests need real paths to copy
 * and list). {@code -Dlowres.shared=PATH} points the tests at another folder of the same layout
 * ({@code PATH/fixtures/images}, ...) instead; nothing outside the class path is looked at otherwise.
 */
public final class Fixtures {
    /** The resource every fixture root holds. */
    private static final String MARKER = "fixtures/fixtures.json";
    private static final List<String> TREES = List.of("fixtures/", "reference/imagenet/");
    private static Path root;

    private Fixtures() {
    }

    /** The folder holding {@code fixtures/} and {@code reference/imagenet/}. */
    public static synchronized Path root() {
        if (root == null) {
            root = locate();
        }
        return root;
    }

    public static Path images() {
        return root().resolve("fixtures/images");
    }

    public static Path bad() {
        return root().resolve("fixtures/bad");
    }

    public static Path reference() {
        return root().resolve("fixtures/reference");
    }

    /** {@code fixtures.json}: what each fixture is, and the versions of PIL and libjpeg-turbo that made them. */
    public static Path manifest() {
        return root().resolve(MARKER);
    }

    public static Path imagenetReference() {
        return root().resolve("reference/imagenet");
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

    private static Path locate() {
        String configured = System.getProperty("lowres.shared");
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(dir.resolve(MARKER))) {
                throw new IllegalStateException("-Dlowres.shared=" + configured + " has no " + MARKER);
            }
            return dir;
        }
        URL url = Fixtures.class.getResource("/" + MARKER);
        if (url == null) {
            throw new IllegalStateException(MARKER + " is not on the test class path (lowres-data's test resources, "
                    + "or its test-jar)");
        }
        try {
            switch (url.getProtocol()) {
                case "file":
                    // .../test-classes/fixtures/fixtures.json -> .../test-classes
                    return Paths.get(url.toURI()).getParent().getParent();
                case "jar":
                    return unpack(((JarURLConnection) url.openConnection()).getJarFileURL());
                default:
                    throw new IllegalStateException("cannot read fixtures from " + url);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fixtures at " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad fixture URL " + url, e);
        }
    }

    /** Copies the fixture trees out of the test-jar into a temporary folder, removed when the JVM exits. */
    private static Path unpack(URL jar) throws IOException, URISyntaxException {
        Path dir = Files.createTempDirectory("lowres-fixtures-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "lowres-fixtures-cleanup"));
        try (JarFile file = new JarFile(Paths.get(jar.toURI()).toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || TREES.stream().noneMatch(name::startsWith)) {
                    continue;
                }
                Path target = dir.resolve(name).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("bad entry " + name + " in " + jar);
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
