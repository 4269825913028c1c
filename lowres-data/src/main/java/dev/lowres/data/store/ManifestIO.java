package dev.lowres.data.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code manifest.json}.
 *
 * <p>The manifest carries a checksum of its own content (as Lucene's file footers do), so that an edit by
 * hand (two classes swapped, a count or a mean changed) is not taken for the dataset as it was built. The
 * checksum is {@code sha256:<hex>} of the manifest's <em>canonical content</em>: its JSON tree without the
 * {@code checksum} field, serialized compactly (no indentation, no line breaks) by {@link Json#mapper()},
 * members in the file's order. It is computed on the tree as a reader parses it back from the file, not
 * on the Java objects, so that it is reproducible by any reader:
 * <ul>
 *   <li>map order is the file's order (Jackson reads JSON objects into insertion-ordered trees and maps);</li>
 *   <li>numbers are compared as the JSON numbers a reader parses (an {@code Integer} or a {@code Long} in
 *       the build options, a {@code double} mean: each prints the same digits again after a read);</li>
 *   <li>fields a newer lowres adds are part of the content even where this version does not know them
 *       (a record-based checksum would drop them and refuse every newer manifest);</li>
 *   <li>the indentation and the platform's line separator, which Jackson's pretty printer takes from the
 *       system, play no part: a dataset written on Windows verifies on Linux.</li>
 * </ul>
 * Re-indenting the file by hand therefore keeps the checksum valid; changing, adding, removing or
 * reordering a value does not.
 */
public final class ManifestIO {
    /** The manifest's file name. */
    public static final String FILE = "manifest.json";
    /** The prefix of the manifest's checksum. */
    static final String CHECKSUM_PREFIX = "sha256:";
    private static final String CHECKSUM_FIELD = "checksum";

    private ManifestIO() {
    }

    /** A parsed manifest and the checksum its content has (whatever its {@code checksum} field says). */
    record Parsed(Manifest manifest, String contentChecksum) {
        /** Whether the manifest carries a checksum and it matches its content. */
        boolean checksumMatches() {
            return contentChecksum.equals(manifest.checksum());
        }
    }

    /**
     * Writes the manifest atomically with its checksum: the dataset exists from this moment on.
     *
     * @param manifest the manifest; its {@code checksum} is ignored and computed here
     * @return the manifest as written, with its checksum
     */
    public static Manifest write(Path dir, Manifest manifest) throws IOException {
        // the tree a reader will parse from the file: the checksum is computed on exactly that
        byte[] unsigned = Json.mapper().writeValueAsBytes(manifest.withChecksum(null));
        ObjectNode tree = asObject(Json.mapper().readTree(unsigned));
        String checksum = checksum(tree);
        tree.put(CHECKSUM_FIELD, checksum);
        byte[] json = Json.mapper().writeValueAsBytes(tree);
        byte[] withNewline = Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        AtomicFiles.write(dir.resolve(FILE), withNewline);
        return manifest.withChecksum(checksum);
    }

    /**
     * Reads a dataset's manifest, refusing one that was changed after it was written. A manifest without
     * a checksum (written by lowres before it had one) is read as it is; {@code lowres verify} reports it.
     *
     * @throws DatasetException when there is none (an unfinished build or not a dataset), it is unreadable
     *                          or of another format, its checksum does not match its content, or it names a
     *                          file outside the dataset directory
     */
    public static Manifest read(Path dir) throws DatasetException {
        Parsed parsed = parse(dir);
        Manifest manifest = parsed.manifest();
        if (manifest.checksum() != null && !parsed.checksumMatches()) {
            throw new DatasetException(dir.resolve(FILE) + " was changed after it was written: its content does "
                    + "not match its checksum; `lowres verify " + dir + "` lists what disagrees with the files");
        }
        for (FileEntry entry : files(manifest)) {
            String why = unsafeName(dir, entry.name());
            if (why != null) {
                throw new DatasetException(dir.resolve(FILE) + ": " + entry.what() + " '" + entry.name() + "' "
                        + why + "; a dataset's files must lie in its directory");
            }
        }
        return manifest;
    }

    /**
     * Reads a manifest without checking its checksum or its file names, for {@code verify}, which reports
     * them instead of failing on them.
     */
    static Manifest readUnchecked(Path dir) throws DatasetException {
        return parse(dir).manifest();
    }

    /** Parses the manifest and computes its content's checksum; checks only that it is JSON of this format. */
    static Parsed parse(Path dir) throws DatasetException {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + " is not a directory");
        }
        ObjectNode tree;
        Manifest manifest;
        try {
            tree = asObject(Json.mapper().readTree(Files.readAllBytes(file)));
            manifest = Json.mapper().treeToValue(tree, Manifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            boolean unfinished = Files.isDirectory(dir.resolve(BuildState.DIR));
            throw new DatasetException(dir + " has no " + FILE + (unfinished
                    ? ": it holds an unfinished build; run the same build command again to finish it"
                    : ": it is not a lowres dataset"));
        } catch (IOException | IllegalArgumentException e) {
            throw new DatasetException(file + " is unreadable: " + e.getMessage(), e);
        }
        if (!Manifest.FORMAT.equals(manifest.format())) {
            throw new DatasetException(file + " has format '" + manifest.format() + "'; this lowres reads "
                    + Manifest.FORMAT);
        }
        try {
            return new Parsed(manifest, checksum(tree));
        } catch (IOException e) {
            throw new DatasetException(file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** {@code sha256:<hex>} of the compact serialization of {@code tree} without its checksum field. */
    private static String checksum(ObjectNode tree) throws IOException {
        ObjectNode content = tree.deepCopy();
        content.remove(CHECKSUM_FIELD);
        byte[] canonical = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(content);
        return CHECKSUM_PREFIX + HexFormat.of().formatHex(DigestingWriter.sha256().digest(canonical));
    }

    private static ObjectNode asObject(JsonNode node) throws IOException {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new IOException("not a JSON object");
    }

    /** A file the manifest names, and where it names it ({@code split 'train' shard 3 images}). */
    record FileEntry(String what, String name) {
    }

    /** Every file name the manifest lists: each shard's three files and each split's mean image. */
    static List<FileEntry> files(Manifest manifest) {
        List<FileEntry> entries = new java.util.ArrayList<>();
        if (manifest.splits() == null) {
            return entries;
        }
        for (Map.Entry<String, Manifest.Split> e : manifest.splits().entrySet()) {
            Manifest.Split split = e.getValue();
            if (split == null) {
                continue;
            }
            String where = "split '" + e.getKey() + "'";
            List<Manifest.Shard> shards = split.shards() == null ? List.of() : split.shards();
            for (int i = 0; i < shards.size(); i++) {
                Manifest.Shard shard = shards.get(i);
                if (shard != null) {
                    entries.add(new FileEntry(where + " shard " + i + " images", shard.images()));
                    entries.add(new FileEntry(where + " shard " + i + " labels", shard.labels()));
                    entries.add(new FileEntry(where + " shard " + i + " keys", shard.keys()));
                }
            }
            if (split.meanImage() != null) {
                entries.add(new FileEntry(where + " mean_image", split.meanImage().file()));
            }
        }
        return entries;
    }

    /**
     * Why a file name from the manifest may not be opened, or {@code null} when it names a file inside
     * {@code dir}: absolute names, names with a {@code ..} segment and names that resolve outside {@code dir}
     * are refused (checked on the names alone, without touching the file system).
     */
    static String unsafeName(Path dir, String name) {
        if (name == null || name.isEmpty()) {
            return "is missing";
        }
        Path path;
        try {
            path = dir.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            return "is not a valid file name";
        }
        if (path.isAbsolute() || path.getRoot() != null) {
            return "is an absolute path";
        }
        for (Path segment : path) {
            if (segment.toString().equals("..")) {
                return "leaves the dataset directory ('..')";
            }
        }
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(path).normalize();
        if (!resolved.startsWith(base)) {
            return "leaves the dataset directory";
        }
        if (resolved.equals(base)) {
            return "names the dataset directory itself";
        }
        return null;
    }
}
