package dev.lowres.data.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an import did.
 *
 * @param dataset the dataset directory written
 * @param format the input layout
 * @param records records per split, in the order the splits were written
 * @param elapsed wall time
 */
public record ImportResult(Path dataset, ImportFormat format, Map<String, Long> records, Duration elapsed) {
    public ImportResult {
        records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
    }

    public long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }
}
