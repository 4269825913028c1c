package dev.lowres.spark.fs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of a Hadoop file system, as a {@link java.nio.file.Path}. Its syntax is a POSIX path's: the
 * operations that only read the name ({@code resolve}, {@code relativize}, {@code getParent}, ...) are those of
 * a path of the default file system holding the same string, re-attached to this file system, so lowres-data's
 * builder treats {@code hdfs://nn/ILSVRC2012/train/n01440764/x.JPEG} as it treats a local path. A relative path
 * prints as its names alone (the keys of a dataset); an absolute one as its Hadoop URI.
 */
final class HadoopPath implements Path {
    private final HadoopNioFileSystem fs;
    /** The path's names, in the default file system's syntax ("/a/b" or "a/b"). */
    private final Path names;
    /** The file's status as the listing that found this path gave it (not part of the path's identity). */
    private final org.apache.hadoop.fs.FileStatus listed;

    HadoopPath(HadoopNioFileSystem fs, Path names) {
        this(fs, names, null);
    }

    HadoopPath(HadoopNioFileSystem fs, Path names, org.apache.hadoop.fs.FileStatus listed) {
        this.fs = fs;
        this.names = names;
        this.listed = listed;
    }

    /**
     * The status the directory listing that found this path gave (else null): what {@code Files.walk} asks of
     * every entry, so a walk costs one request a folder rather than one a file, as the JDK's own walker reuses
     * the attributes of its listing.
     */
    org.apache.hadoop.fs.FileStatus listed() {
        return listed;
    }

    /** This path with the status its listing gave. */
    HadoopPath withListed(org.apache.hadoop.fs.FileStatus status) {
        return new HadoopPath(fs, names, status);
    }

    /** This path as Hadoop names it (absolute, with the file system's scheme and authority). */
    org.apache.hadoop.fs.Path hadoop() {
        return new org.apache.hadoop.fs.Path(fs.uri().resolve(encodedPath(absoluteNames().normalize())));
    }

    private Path absoluteNames() {
        return names.isAbsolute() ? names : fs.workingDirectory().resolve(names);
    }

    private static String encodedPath(Path absolute) {
        try {
            return new URI(null, null, absolute.toString(), null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a path: " + absolute, e);
        }
    }

    private HadoopPath wrap(Path p) {
        return p == null ? null : new HadoopPath(fs, p);
    }

    private Path unwrap(Path other) {
        if (!(other instanceof HadoopPath h) || !h.fs.equals(fs)) {
            throw new ProviderMismatchException(other + " is not a path of " + fs.uri());
        }
        return h.names;
    }

    @Override
    public HadoopNioFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return names.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(names.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(names.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(names.getParent());
    }

    @Override
    public int getNameCount() {
        return names.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(names.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(names.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof HadoopPath h && h.fs.equals(fs) && names.startsWith(h.names);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof HadoopPath h && h.fs.equals(fs) && names.endsWith(h.names);
    }

    @Override
    public Path normalize() {
        return wrap(names.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(names.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(names.resolve(other));
    }

    @Override
    public Path resolveSibling(String other) {
        return wrap(names.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(names.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return hadoop().toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return names.isAbsolute() ? this : wrap(absoluteNames());
    }

    /** The absolute, normalized path: Hadoop file systems have no symbolic links that lowres follows. */
    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        HadoopPath real = (HadoopPath) toAbsolutePath().normalize();
        fs.provider().checkAccess(real);
        return real;
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("Hadoop file systems cannot be watched");
    }

    @Override
    public int compareTo(Path other) {
        return names.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HadoopPath h && h.fs.equals(fs) && h.names.equals(names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fs, names);
    }

    @Override
    public String toString() {
        return names.isAbsolute() ? fs.prefix() + names : names.toString();
    }
}
