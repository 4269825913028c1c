package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.ingest.BuildOptions;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Importer} does. Start from {@link #of} and change one setting at a time with the
 * {@code with...} methods; the constructor checks the combination and names the command-line option at
 * fault.
 *
 * @param format the input layout
 * @param input the folder holding the input files
 * @param output the dataset directory to write
 * @param shardSize records per shard
 * @param classOrder for the ImageNet formats, how the 1000 classes are numbered; {@code null} means
 *                   {@link ClassOrder#SORTED}. Must be {@code null} for the other formats (their order is
 *                   the source's)
 * @param classNames for the IDX formats, the class names in label order; {@code null} means the digits
 *                   (or Fashion-MNIST's names for {@link ImportFormat#FASHION_MNIST}). Must be {@code null}
 *                   for the other formats
 * @param overwrite whether a finished dataset in {@code output} is replaced
 * @param name the dataset's name in the manifest; {@code null} means the output folder's name
 * @param command the command line, recorded in the manifest
 */
public record ImportOptions(ImportFormat format, Path input, Path output, int shardSize, ClassOrder classOrder,
                            List<String> classNames, boolean overwrite, String name, List<String> command) {

    public ImportOptions {
        Objects.requireNonNull(format, "--format is required");
        Objects.requireNonNull(input, "--input is required");
        Objects.requireNonNull(output, "--output is required");
        if (shardSize < 1) {
            throw new IllegalArgumentException("--shard-size must be at least 1: " + shardSize);
        }
        if (classOrder != null && !format.isImageNet()) {
            throw new IllegalArgumentException("--class-order applies to the ImageNet formats only; "
                    + format.id() + " keeps the source's order");
        }
        if (classNames != null) {
            if (!format.isIdx()) {
                throw new IllegalArgumentException("--class-names applies to the IDX formats only, not "
                        + format.id());
            }
            classNames = List.copyOf(classNames);
            checkNames(classNames);
        }
        command = command == null ? List.of() : List.copyOf(command);
    }

    /** The defaults: shard size {@link BuildOptions#DEFAULT_SHARD_SIZE}, the format's class order and names. */
    public static ImportOptions of(ImportFormat format, Path input, Path output) {
        return new ImportOptions(format, input, output, BuildOptions.DEFAULT_SHARD_SIZE, null, null, false, null,
                List.of());
    }

    public ImportOptions withShardSize(int shardSize) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    public ImportOptions withClassOrder(ClassOrder classOrder) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    public ImportOptions withClassNames(List<String> classNames) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    public ImportOptions withOverwrite(boolean overwrite) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    public ImportOptions withName(String name) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    public ImportOptions withCommand(List<String> command) {
        return new ImportOptions(format, input, output, shardSize, classOrder, classNames, overwrite, name, command);
    }

    /** The class order in effect for the ImageNet formats. */
    public ClassOrder effectiveClassOrder() {
        return classOrder == null ? ClassOrder.SORTED : classOrder;
    }

    /** The class names in effect for the IDX formats. */
    public List<String> effectiveClassNames() {
        if (classNames != null) {
            return classNames;
        }
        return format == ImportFormat.FASHION_MNIST ? StandardClassNames.FASHION_MNIST : StandardClassNames.DIGITS;
    }

    private static void checkNames(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--class-names needs at least one name");
        }
        if (names.size() > Short.MAX_VALUE) {
            throw new IllegalArgumentException("--class-names lists too many classes for int16 labels: "
                    + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("--class-names has an empty name");
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("--class-names lists '" + n + "' twice");
            }
        }
    }
}
