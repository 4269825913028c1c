package dev.lowres.data.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The journal of an unfinished build, kept in {@value #DIR} inside the dataset directory: the build's plan
 * (a fingerprint of its inputs and options) and one record per finished shard. A build that is killed and
 * run again with the same inputs and options skips the finished shards; one with other inputs or options
 * is refused rather than mixed in. The journal is removed once the manifest is written.
 */
public final class BuildState {
    /** The journal directory's name. */
    public static final String DIR = ".lowres-build";
    private static final String PLAN = "plan.json";

    /** What the journal keeps of a finished shard. */
    public record ShardRecord(Manifest.Shard shard, List<Manifest.Skipped> skipped) {
    }

    private final Path datasetDir;
    private final Path dir;

    private BuildState(Path datasetDir) {
        this.datasetDir = datasetDir;
        this.dir = datasetDir.resolve(DIR);
    }

    /**
     * Opens (or starts) the journal of a build of {@code datasetDir} with the given plan.
     *
     * @param plan a description of the inputs and options; {@code fingerprint} must identify it
     * @throws DatasetException when the directory holds a finished dataset or another build's journal
     */
    public static BuildState open(Path datasetDir, String fingerprint, Map<String, Object> plan)
            throws IOException, DatasetException {
        Files.createDirectories(datasetDir);
        if (Files.exists(datasetDir.resolve(ManifestIO.FILE))) {
            throw new OutputInUseException(datasetDir + " already holds a finished dataset; use --overwrite to "
                    + "replace it");
        }
        BuildState state = new BuildState(datasetDir);
        Path planFile = state.dir.resolve(PLAN);
        if (Files.exists(planFile)) {
            Map<String, Object> previous = Json.mapper().readValue(Files.readAllBytes(planFile),
                    new TypeReference<Map<String, Object>>() { });
            if (!fingerprint.equals(previous.get("fingerprint"))) {
                throw new OutputInUseException(datasetDir + " holds an unfinished build of other inputs or options; "
                        + "run that build again to finish it, or use --overwrite to discard it");
            }
        } else {
            Files.createDirectories(state.dir);
            Map<String, Object> content = new java.util.LinkedHashMap<>();
            content.put("fingerprint", fingerprint);
            content.putAll(plan);
            AtomicFiles.write(planFile, Json.mapper().writeValueAsBytes(content));
        }
        state.removeTemporaryFiles();
        return state;
    }

    /** Whether {@code datasetDir} holds a journal. */
    public static boolean exists(Path datasetDir) {
        return Files.isDirectory(datasetDir.resolve(DIR));
    }

    /** The record of a finished shard, if the journal has one. */
    public Optional<ShardRecord> finished(String baseName) throws IOException {
        Path file = dir.resolve(baseName + ".done.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), ShardRecord.class));
    }

    /** Records a shard as finished; call after its files are committed. */
    public void markFinished(String baseName, ShardRecord record) throws IOException {
        AtomicFiles.write(dir.resolve(baseName + ".done.json"), Json.mapper().writeValueAsBytes(record));
    }

    /** Removes the journal; call after the manifest is written. */
    public void complete() throws IOException {
        deleteRecursively(dir);
        AtomicFiles.syncDirectory(datasetDir);
    }

    private void removeTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(datasetDir, "*" + AtomicFiles.TEMP_SUFFIX)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Deletes a directory tree (used for the journal and by {@code --overwrite}). */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
