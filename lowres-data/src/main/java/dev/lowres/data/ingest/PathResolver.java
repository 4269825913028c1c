package dev.lowres.data.ingest;

import java.nio.file.Path;

/**
 * Turns a path option's value into a {@link Path}. {@code lowres build} reads and writes this machine's file
 * systems ({@link #LOCAL}); the Spark build resolves Hadoop URIs ({@code hdfs://}, {@code s3a://}) to paths over
 * Hadoop's client as well.
 */
@FunctionalInterface
public interface PathResolver {
    /**
     * Local paths only: a URL such as {@code hdfs://...} is refused with a message instead of being taken for a
     * relative local path ({@code hdfs:/...}).
     */
    PathResolver LOCAL = value -> {
        if (value.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw new IllegalArgumentException(value + " is a URL: lowres build reads and writes local paths and "
                    + "shared mounts; for Hadoop file systems (hdfs://, s3a://) use lowres spark-build");
        }
        return Path.of(value);
    };

    /**
     * The path {@code value} names.
     *
     * @throws IllegalArgumentException when it names nothing this resolver can reach, saying why
     */
    Path resolve(String value);
}
