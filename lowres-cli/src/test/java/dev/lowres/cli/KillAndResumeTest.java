package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.synth.SynthOptions;
import dev.lowres.data.synth.SyntheticImageNet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build killed with SIGKILL at random moments, again and again, and restarted each time, finishes with
 * the same bytes as an uninterrupted build, and never leaves a manifest before it is done.
 */
@Tag("heavy")
class KillAndResumeTest {
    @TempDir
    Path dir;

    @Test
    void buildKilledAtRandomMomentsFinishesWithTheSameBytes() throws Exception {
        Path tree = dir.resolve("tree");
        SyntheticImageNet.write(tree, SynthOptions.defaults().withPerClass(80, 10), null);
        Path reference = dir.resolve("reference");
        Process whole = lowres("build", "-i", tree.toString(), "-o", reference.toString(), "-s", "16,32",
                "--shard-size", "40", "-j", "2");
        assertEquals(0, whole.waitFor(), new String(whole.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        Path killed = dir.resolve("killed");
        SplittableRandom random = new SplittableRandom(42);
        int kills = 0;
        boolean resumedSeen = false;
        for (int attempt = 0; attempt < 30; attempt++) {
            Process p = lowres("build", "-i", tree.toString(), "-o", killed.toString(), "-s", "16,32",
                    "--shard-size", "40", "-j", "2");
            // kill once 1..3 more shards are committed, plus a random delay that lands anywhere in the next one
            long target = journalEntries(killed) + 1 + random.nextInt(3);
            long extraMillis = random.nextInt(250);
            boolean exited = false;
            while (!(exited = p.waitFor(20, TimeUnit.MILLISECONDS)) && journalEntries(killed) < target) {
                // poll
            }
            if (!exited && !p.waitFor(extraMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                kills++;
                for (String size : List.of("16x16", "32x32")) {
                    if (Files.exists(killed.resolve(size).resolve("manifest.json"))) {
                        // a manifest only ever appears once the whole build of that size is done (the journal
                        // may outlive it by a kill between the two; the next run removes it)
                        dev.lowres.data.store.Manifest m = dev.lowres.data.store.Dataset.open(killed.resolve(size))
                                .manifest();
                        for (dev.lowres.data.store.Manifest.Split split : m.splits().values()) {
                            for (dev.lowres.data.store.Manifest.Shard shard : split.shards()) {
                                for (String f : shard.files()) {
                                    assertTrue(Files.exists(killed.resolve(size).resolve(f)),
                                            "a manifest names a missing file " + f + " in " + size);
                                }
                            }
                        }
                    }
                }
                continue;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // the last kill may land after everything was committed: then there is nothing left to do
            resumedSeen |= out.contains("resuming:") || out.contains("already built");
            assertEquals(0, p.exitValue(), out);
            break;
        }
        assertTrue(kills >= 2, "the build was killed " + kills + " times; the test needs a slower build or shorter waits");
        assertTrue(resumedSeen, "the final run resumed (or found the build complete)");
        for (String size : List.of("16x16", "32x32")) {
            Map<String, byte[]> expected = files(reference.resolve(size));
            Map<String, byte[]> actual = files(killed.resolve(size));
            assertTrue(Files.notExists(killed.resolve(size).resolve(".lowres-build")), "no journal left in " + size);
            assertEquals(expected.keySet(), actual.keySet(), size);
            for (String name : expected.keySet()) {
                assertArrayEquals(expected.get(name), actual.get(name), size + "/" + name);
            }
        }
    }

    /** Shards recorded as finished in the 32x32 journal (written after the 16x16 one). */
    private static long journalEntries(Path out) throws java.io.IOException {
        Path journal = out.resolve("32x32").resolve(".lowres-build");
        if (!Files.isDirectory(journal)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".done.json")).count();
        }
    }

    private static Process lowres(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Files of a dataset; in the manifest, the run-specific command and the checksum covering it removed. */
    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> map = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(p);
                if (p.getFileName().toString().equals("manifest.json")) {
                    content = new String(content, StandardCharsets.UTF_8)
                            .replaceAll("(?s)\"command\" : \\[.*?\\]", "")
                            .replaceAll("\"checksum\" : \"[^\"]*\"", "")
                            .getBytes(StandardCharsets.UTF_8);
                }
                map.put(p.getFileName().toString(), content);
            }
        }
        return map;
    }
}
