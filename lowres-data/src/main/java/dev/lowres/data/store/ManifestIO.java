package dev.lowres.data.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes {@code manifest.json}. */
public final class ManifestIO {
    /** The manifest's file name. */
    public static final String FILE = "manifest.json";

    private ManifestIO() {
    }

    /** Writes the manifest atomically: the dataset exists from this moment on. */
    public static void write(Path dir, Manifest manifest) throws IOException {
        byte[] json = Json.mapper().writeValueAsBytes(manifest);
        byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        AtomicFiles.write(dir.resolve(FILE), withNewline);
    }

    /**
     * Reads a dataset's manifest.
     *
     * @throws DatasetException when there is none (an unfinished build or not a dataset), or it is
     *                          unreadable or of another format
     */
    public static Manifest read(Path dir) throws DatasetException {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + " is not a directory");
        }
        Manifest manifest;
        try {
            manifest = Json.mapper().readValue(file.toFile(), Manifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            boolean unfinished = Files.isDirectory(dir.resolve(BuildState.DIR));
            throw new DatasetException(dir + " has no " + FILE + (unfinished
                    ? ": it holds an unfinished build; run the same build command again to finish it"
                    : ": it is not a lowres dataset"));
        } catch (IOException e) {
            throw new DatasetException(file + " is unreadable: " + e.getMessage(), e);
        }
        if (!Manifest.FORMAT.equals(manifest.format())) {
            throw new DatasetException(file + " has format '" + manifest.format() + "'; this lowres reads "
                    + Manifest.FORMAT);
        }
        return manifest;
    }
}
