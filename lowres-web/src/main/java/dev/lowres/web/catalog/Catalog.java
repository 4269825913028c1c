package dev.lowres.web.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.ManifestIO;
import dev.lowres.train.eval.Evaluation;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.eval.result.Metric;
import dev.lowres.train.run.MetricsLog;
import dev.lowres.train.run.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the datasets, runs and evaluations under a root: directories with a {@code manifest.json}, a
 * {@code run.json} or a lowres-eval {@code metrics.json}, at most {@link #MAX_DEPTH} levels down. It reads
 * only those small files (never a dataset's records), does not follow symbolic links, does not descend into a
 * dataset or a run's checkpoints, and stops after {@link #MAX_DIRECTORIES} directories.
 */
public final class Catalog {
    public static final int MAX_DEPTH = 6;
    public static final int MAX_DIRECTORIES = 20_000;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private Catalog() {
    }

    /** What the scan found, sorted by path, and whether it stopped at the directory limit. */
    public record Scan(List<Entry> entries, boolean truncated) {
        public <T extends Entry> List<T> of(Class<T> kind) {
            return entries.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        /** The datasets of this name and image shape ({@link Manifest.ImageShape#describe()}): a moved one's copies. */
        public List<Entry.DatasetEntry> datasets(String name, String image) {
            return of(Entry.DatasetEntry.class).stream().filter(d -> d.name().equals(name) && d.image().equals(image))
                    .toList();
        }
    }

    public static Scan scan(Path root) throws IOException {
        List<Entry> found = new ArrayList<>();
        int[] dirs = {0};
        boolean[] truncated = {false};
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (++dirs[0] > MAX_DIRECTORIES) {
                            truncated[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        if (!dir.equals(root) && (name.startsWith(".") || name.equals("checkpoints"))) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        String rel = root.relativize(dir).toString().replace('\\', '/');
                        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
                            found.add(dataset(dir, rel));
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        if (Files.isRegularFile(dir.resolve(RunDirectory.RUN))) {
                            found.add(run(dir, rel));
                        } else if (Files.isRegularFile(dir.resolve(Evaluation.METRICS))) {
                            Entry e = evaluation(dir, rel);
                            if (e != null) {
                                found.add(e);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        found.sort(java.util.Comparator.comparing(Entry::path));
        return new Scan(List.copyOf(found), truncated[0]);
    }

    static Entry dataset(Path dir, String rel) {
        try {
            Manifest m = ManifestIO.read(dir);
            Map<String, Long> splits = new LinkedHashMap<>();
            m.splits().forEach((k, v) -> splits.put(k, v.count()));
            return new Entry.DatasetEntry(rel, m.name(), m.image().describe(), m.classes().size(), splits,
                    m.skipped() == null ? 0 : m.skipped().size());
        } catch (Exception e) {
            return new Entry.Unreadable(rel, "dataset", String.valueOf(e.getMessage()));
        }
    }

    static Entry run(Path dir, String rel) {
        try {
            JsonNode config = Files.isRegularFile(dir.resolve(RunDirectory.CONFIG))
                    ? YAML.readTree(dir.resolve(RunDirectory.CONFIG).toFile()) : JSON.createObjectNode();
            int done = 0;
            double best = Double.NaN;
            Path metrics = dir.resolve(RunDirectory.METRICS);
            boolean live = false;
            if (Files.isRegularFile(metrics)) {
                // only the epoch lines are parsed: a long run has thousands of step lines
                List<String> epochLines = Files.readAllLines(metrics, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.startsWith("{\"type\":\"epoch\"")).toList();
                for (MetricsLog.Epoch e : MetricsLog.parse(epochLines).epochs()) {
                    done++;
                    if (Double.isFinite(e.valTop1()) && (Double.isNaN(best) || e.valTop1() > best)) {
                        best = e.valTop1();
                    }
                }
                live = Files.getLastModifiedTime(metrics).toInstant().isAfter(Instant.now().minus(Duration.ofMinutes(2)));
            }
            boolean finished = Files.isRegularFile(dir.resolve(RunDirectory.EXPORT));
            return new Entry.RunEntry(rel, config.path("model").asText("?"), config.path("name").asText("?"), done,
                    config.path("epochs").asInt(0), best, finished, live && !finished);
        } catch (Exception e) {
            return new Entry.Unreadable(rel, "run", String.valueOf(e.getMessage()));
        }
    }

    static Entry evaluation(Path dir, String rel) {
        try {
            EvalMetrics m = EvalMetrics.read(dir.resolve(Evaluation.METRICS));
            Double top1 = Metric.TOP1.value(m);
            Double top5 = Metric.TOP5.value(m);
            return new Entry.EvalEntry(rel, m.run().model(), m.data().name(), m.data().split(),
                    top1 == null ? Double.NaN : top1, top5 == null ? Double.NaN : top5);
        } catch (EvalMetrics.NotAnEvaluation e) {
            return e.otherFormat() ? null : new Entry.Unreadable(rel, "evaluation", String.valueOf(e.getMessage()));
        } catch (Exception e) {
            return new Entry.Unreadable(rel, "evaluation", String.valueOf(e.getMessage()));
        }
    }
}
