package dev.lowres.data.ingest;

import dev.lowres.data.store.EmptyClasses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The lines a build prints for its user: what the scan found, and what the build did. */
public final class BuildSummary {
    private BuildSummary() {
    }

    /** What the scan found, e.g. {@code found 1,020 inputs in 10 classes (ilsvrc layout): train 1,000, val 20}. */
    public static List<String> scanned(SourceTree tree) {
        List<String> lines = new ArrayList<>();
        StringBuilder splits = new StringBuilder();
        tree.splits().forEach(s -> splits.append(splits.length() == 0 ? "" : ", ").append(s.name()).append(' ')
                .append(String.format(Locale.ROOT, "%,d", s.images().size())));
        lines.add(String.format(Locale.ROOT, "found %,d inputs in %d classes (%s layout): %s", tree.totalImages(),
                tree.classes().size(), tree.layout(), splits));
        tree.notes().forEach(n -> lines.add("  note: " + n));
        return lines;
    }

    /** The line of a build that resumes an interrupted one. */
    public static String resuming(long inputs) {
        return String.format(Locale.ROOT, "resuming: %,d inputs are in shards finished by an earlier run", inputs);
    }

    /** What the build did: records, skipped inputs by reason, speed, empty classes and the directories. */
    public static List<String> finished(BuildResult result, boolean fast) {
        List<String> lines = new ArrayList<>();
        if (result.alreadyBuilt()) {
            lines.add(String.format(Locale.ROOT, "already built with these inputs and options (%,d records: %s); "
                    + "nothing to do", result.totalRecords(), describe(result.records())));
        } else {
            lines.add(String.format(Locale.ROOT, "built %,d records (%s), skipped %,d bad inputs%s, in %.1f s "
                            + "(%,.0f images/s, %s decode)", result.totalRecords(), describe(result.records()),
                    result.skippedCount(), result.skippedCount() > 0
                            ? " " + result.skippedByReason() + " (listed in manifest.json 'skipped')" : "",
                    result.elapsed().toMillis() / 1000.0, result.imagesPerSecond(), fast ? "fast" : "exact"));
        }
        for (EmptyClasses empty : result.emptyClasses()) {
            lines.add("  warning: " + empty.describe());
        }
        result.datasets().forEach(d -> lines.add("  -> " + d));
        return lines;
    }

    private static String describe(Map<String, Long> records) {
        StringBuilder sb = new StringBuilder();
        records.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
        return sb.toString();
    }
}
