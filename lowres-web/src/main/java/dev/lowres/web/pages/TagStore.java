package dev.lowres.web.pages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lowres.data.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tags.json} beside an evaluation's metrics.json: the mistake tags a user set, by record index. The
 * only file the workbench writes; written whole and atomically (a temporary file, then a rename), one writer
 * at a time per file, so a crash or two browsers tagging at once never leave half a file.
 */
public final class TagStore {
    public static final String FILE = "tags.json";
    public static final String FORMAT = "lowres-tags/1";
    /** A note longer than this is refused. */
    public static final int MAX_NOTE = 2000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();

    /** One record's tags. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"key", "tags", "note", "updated"})
    public record Tagged(String key, List<String> tags, String note, String updated) {
        public Tagged {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /** The file's content. */
    @JsonPropertyOrder({"format", "categories", "records"})
    public record Tags(String format, List<String> categories, @JsonProperty("records") TreeMap<Integer, Tagged> records) {
        public static Tags empty() {
            return new Tags(FORMAT, MistakeTag.ids(), new TreeMap<>());
        }

        /** How many records carry each tag. */
        public Map<MistakeTag, Integer> counts() {
            Map<MistakeTag, Integer> out = new EnumMap<>(MistakeTag.class);
            for (MistakeTag t : MistakeTag.values()) {
                out.put(t, 0);
            }
            records.values().forEach(r -> r.tags().forEach(id -> {
                MistakeTag t = MistakeTag.of(id);
                if (t != null) {
                    out.merge(t, 1, Integer::sum);
                }
            }));
            return out;
        }
    }

    public Tags read(Path evalDir) throws IOException {
        Path file = evalDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Tags.empty();
        }
        Tags t = JSON.readValue(file.toFile(), Tags.class);
        return new Tags(FORMAT, MistakeTag.ids(), t.records() == null ? new TreeMap<>() : t.records());
    }

    /**
     * Sets one record's tags (replacing what it had; no tags and no note removes the record).
     *
     * @throws IllegalArgumentException for a tag that is not a {@link MistakeTag} or a note too long
     */
    public Tags set(Path evalDir, int index, String key, List<String> tags, String note) throws IOException {
        List<String> clean = new ArrayList<>();
        for (String id : tags) {
            if (MistakeTag.of(id) == null) {
                throw new IllegalArgumentException("no tag '" + id + "'; the tags are " + String.join(", ", MistakeTag.ids()));
            }
            if (!clean.contains(id)) {
                clean.add(id);
            }
        }
        String n = note == null ? "" : note.strip();
        if (n.length() > MAX_NOTE) {
            throw new IllegalArgumentException("a note is at most " + MAX_NOTE + " characters");
        }
        synchronized (locks.computeIfAbsent(evalDir, d -> new Object())) {
            Tags t = read(evalDir);
            if (clean.isEmpty() && n.isEmpty()) {
                t.records().remove(index);
            } else {
                t.records().put(index, new Tagged(key, clean, n.isEmpty() ? null : n, Instant.now().toString()));
            }
            AtomicFiles.write(evalDir.resolve(FILE), JSON.writeValueAsBytes(t));
            return t;
        }
    }
}
