package dev.lowres.data.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an export did.
 *
 * @param output the folder written into
 * @param files the files written, in order
 * @param records records per split
 * @param elapsed wall time
 */
public record ExportResult(Path output, List<Path> files, Map<String, Long> records, Duration elapsed) {
    public ExportResult {
        files = List.copyOf(files);
        records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
    }

    public long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }
}
