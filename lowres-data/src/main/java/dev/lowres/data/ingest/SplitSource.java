package dev.lowres.data.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * The inputs of one split, in the order they become records (class by class in label order, files
 * sorted by name within a class, or sorted by name for a flat folder).
 *
 * @param name the split's name ({@code train}, {@code val}, ...)
 * @param root the folder that keys are relative to
 * @param images the inputs
 */
public record SplitSource(String name, Path root, List<SourceImage> images) {
    public Path path(SourceImage image) {
        return root.resolve(image.key());
    }
}
