package dev.lowres.data.ingest;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ClassOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * What a scan of an input tree found.
 *
 * @param input the folder given
 * @param layout {@code ilsvrc} (train/ and val/), {@code class-folders}, {@code imagenetv2} (folders 0 .. 999,
 *               see {@link TreeLayout#IMAGENETV2}) or {@code flat}
 * @param classes the dataset's classes in label order
 * @param classOrder how they are ordered
 * @param splits the splits in the order they are built
 * @param notes what the scan decided that a user should know (e.g. where validation labels came from)
 */
public record SourceTree(Path input, String layout, List<ClassEntry> classes, ClassOrder classOrder,
                         List<SplitSource> splits, List<String> notes) {
    /** Total number of inputs over all splits. */
    public long totalImages() {
        return splits.stream().mapToLong(s -> s.images().size()).sum();
    }
}
