package dev.lowres.data.synth;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.image.BadImageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SyntheticImageNet#write} wrote.
 *
 * @param root the tree's root (holds {@code train/}, {@code val/} and {@code LOC_val_solution.csv})
 * @param classes the classes in sorted-wnid order, indexed 0..n-1 as a default build numbers them
 * @param trainFiles files under {@code train/}, special files included
 * @param valFiles files in {@code val/}
 * @param specialFiles the broken and odd training files, in the order of {@link Kind}
 * @param bytes total size of the files written
 */
public record SynthResult(Path root, List<ClassEntry> classes, int trainFiles, int valFiles,
                          List<SpecialFile> specialFiles, long bytes) {

    /** All files written under {@code train/} and {@code val/}. */
    public int files() {
        return trainFiles + valFiles;
    }

    /** The special files that a build must skip. */
    public List<SpecialFile> brokenFiles() {
        return specialFiles.stream().filter(f -> f.kind().expectedSkip().isPresent()).toList();
    }

    /** The kinds of special file, in the order they are planned. */
    public enum Kind {
        /** The first ~60% of a real JPEG: no end-of-image marker. */
        TRUNCATED_JPEG(BadImageException.Reason.TRUNCATED),
        /** Zero bytes. */
        EMPTY(BadImageException.Reason.EMPTY),
        /** An HTML error page saved under an image's name, as crawlers do. */
        HTML_PAGE(BadImageException.Reason.NOT_AN_IMAGE),
        /** A valid PNG named {@code .JPEG} (ImageNet's train set holds one). */
        PNG_NAMED_JPEG(null),
        /** A valid progressive JPEG. */
        PROGRESSIVE_JPEG(null);

        private final BadImageException.Reason skip;

        Kind(BadImageException.Reason skip) {
            this.skip = skip;
        }

        /** Why a build must skip such a file; empty when it is a valid image that must be built. */
        public Optional<BadImageException.Reason> expectedSkip() {
            return Optional.ofNullable(skip);
        }
    }

    /**
     * One special training file.
     *
     * @param path the file relative to the root, e.g. {@code train/n01440764/n01440764_60.JPEG}
     * @param kind what it is
     */
    public record SpecialFile(String path, Kind kind) {
        /** The file's key in a built dataset: its path relative to {@code train/}. */
        public String key() {
            return path.substring(path.indexOf('/') + 1);
        }
    }
}
