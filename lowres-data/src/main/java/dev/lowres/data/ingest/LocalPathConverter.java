package dev.lowres.data.ingest;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/**
 * Reads a path option, refusing URLs such as {@code hdfs://...} or {@code s3a://...} with a message instead of
 * taking them for a relative local path ({@code hdfs:/...}): builds read and write paths of this machine's
 * file systems, a shared mount included.
 */
public final class LocalPathConverter implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        if (value.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw new IllegalArgumentException(value + " is a URL: builds read and write local paths and shared "
                    + "mounts (the same path on every node of a cluster); Hadoop file systems (hdfs://, s3a://) "
                    + "are not supported yet");
        }
        return Path.of(value);
    }
}
