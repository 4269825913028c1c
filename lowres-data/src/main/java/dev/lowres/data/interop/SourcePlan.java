package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an input holds, known from its headers before any record is read.
 *
 * @param shape the shape of every record
 * @param classes the dataset's classes in label order
 * @param classOrder the manifest's {@code class_order}
 * @param splits the splits in the order they are written
 * @param options settings of the source worth recording in the manifest
 */
record SourcePlan(Manifest.ImageShape shape, List<ClassEntry> classes, String classOrder, List<Split> splits,
                  Map<String, Object> options) {

    /** One split and its files, in record order. */
    record Split(String name, List<SourceFile> files) {
        long count() {
            return files.stream().mapToLong(SourceFile::count).sum();
        }
    }

    /**
     * One input file.
     *
     * @param path the file (for IDX, the images file)
     * @param companion a second file read with it (for IDX, the labels file), or {@code null}
     * @param count records in it
     */
    record SourceFile(Path path, Path companion, long count) {
        String name() {
            return path.getFileName().toString();
        }
    }

    long total() {
        return splits.stream().mapToLong(Split::count).sum();
    }
}
