package dev.lowres.spark.fs;

import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;

/**
 * One Hadoop file system ({@code hdfs://namenode:8020}, {@code s3a://bucket}, ...) as a
 * {@link java.nio.file.FileSystem}: what lowres-data's builder needs of it (listing, reading, writing new
 * files, renaming, deleting), so that a build reads and writes through Hadoop's own client, with its
 * configuration and credentials. Not a general-purpose adapter: files are written once from the start (as
 * Hadoop writes them), there are no links, watches, file stores or attributes beyond the basic ones.
 */
final class HadoopNioFileSystem extends FileSystem {
    private final HadoopFileSystemProvider provider;
    private final org.apache.hadoop.fs.FileSystem hadoop;
    private final URI uri;
    private final String prefix;

    HadoopNioFileSystem(HadoopFileSystemProvider provider, org.apache.hadoop.fs.FileSystem hadoop) {
        this.provider = provider;
        this.hadoop = hadoop;
        this.uri = hadoop.getUri();
        String text = uri.toString();
        this.prefix = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** The Hadoop client this file system reads and writes through. */
    org.apache.hadoop.fs.FileSystem hadoop() {
        return hadoop;
    }

    /** The file system's URI, e.g. {@code hdfs://namenode:8020}. */
    URI uri() {
        return uri;
    }

    /** What an absolute path's names follow when printed: the URI without a trailing slash. */
    String prefix() {
        return prefix;
    }

    /** The folder relative paths are resolved against: Hadoop's working directory (a user's home on HDFS). */
    Path workingDirectory() {
        return Path.of(hadoop.getWorkingDirectory().toUri().getPath());
    }

    /** The path of {@code hadoopPath} (absolute, in this file system). */
    HadoopPath path(org.apache.hadoop.fs.Path hadoopPath) {
        return new HadoopPath(this, Path.of(hadoopPath.toUri().getPath()));
    }

    @Override
    public HadoopFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        // Hadoop's clients are cached and shared by the process: closed by Hadoop's shutdown hook
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(new HadoopPath(this, Path.of("/")));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        throw new UnsupportedOperationException("Hadoop file systems have no file stores");
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        return new HadoopPath(this, Path.of(first, more));
    }

    /** Glob and regex matchers as the default file system's, applied to a path's names. */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return p -> matcher.matches(Path.of(p instanceof HadoopPath && p.isAbsolute()
                ? p.toUri().getPath() : p.toString()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("Hadoop file systems have no principal lookup here");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("Hadoop file systems cannot be watched");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HadoopNioFileSystem other && other.uri.equals(uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
