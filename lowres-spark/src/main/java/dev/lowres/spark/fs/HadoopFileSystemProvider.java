package dev.lowres.spark.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileUtil;

/**
 * The {@link FileSystemProvider} of one Hadoop scheme ({@code hdfs}, {@code s3a}, ...), made by
 * {@link HadoopPaths}, not installed in the JDK (so {@code Path.of(URI)} does not find it: Spark's executors
 * load this jar in a class loader the JDK's provider lookup does not see). Maps java.nio's operations onto
 * {@link org.apache.hadoop.fs.FileSystem}'s, and Hadoop's exceptions onto java.nio's
 * ({@link NoSuchFileException}, {@link FileAlreadyExistsException}, {@link AccessDeniedException}).
 *
 * <p>A rename onto an existing file is a delete then a rename (Hadoop's public API has no replacing rename), so
 * an {@link StandardCopyOption#ATOMIC_MOVE ATOMIC_MOVE} onto an existing file is refused with
 * {@link AtomicMoveNotSupportedException}, as java.nio's contract asks; a rename to a new name is atomic where
 * the file system's rename is (HDFS; not S3).
 */
final class HadoopFileSystemProvider extends FileSystemProvider {
    private final String scheme;

    HadoopFileSystemProvider(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public String getScheme() {
        return scheme;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return HadoopPaths.fileSystem(uri);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        try {
            return HadoopPaths.fileSystem(uri);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Path getPath(URI uri) {
        return HadoopPaths.of(uri);
    }

    private static HadoopPath cast(Path path) {
        if (!(path instanceof HadoopPath h)) {
            throw new ProviderMismatchException(path + " is not a Hadoop path");
        }
        return h;
    }

    private static org.apache.hadoop.fs.FileSystem hadoop(Path path) {
        return cast(path).getFileSystem().hadoop();
    }

    /** Hadoop's exception as java.nio's, naming the path. */
    private static IOException translate(IOException e, Path path) {
        if (e instanceof FileNotFoundException) {
            return (IOException) new NoSuchFileException(path.toString(), null, e.getMessage()).initCause(e);
        }
        if (e instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
            return (IOException) new FileAlreadyExistsException(path.toString(), null, e.getMessage()).initCause(e);
        }
        if (e instanceof org.apache.hadoop.security.AccessControlException) {
            return (IOException) new AccessDeniedException(path.toString(), null, e.getMessage()).initCause(e);
        }
        return e;
    }

    private static FileStatus status(Path path) throws IOException {
        try {
            return hadoop(path).getFileStatus(cast(path).hadoop());
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                              FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    /**
     * Opens a file to read ({@code READ}, the default) or to write from its start ({@code WRITE} with
     * {@code CREATE_NEW}, or with {@code TRUNCATE_EXISTING}, or {@code CREATE} of a file that does not exist).
     */
    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        HadoopPath p = cast(path);
        org.apache.hadoop.fs.FileSystem fs = p.getFileSystem().hadoop();
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        if (write && options.contains(StandardOpenOption.READ)) {
            throw new UnsupportedOperationException(path + ": a Hadoop file is opened to read or to write, not both");
        }
        try {
            if (!write) {
                // one request (the open) for a file read to its end: its length only when asked (size, positioned
                // reads), from the listing that found the path if there was one
                FileStatus listed = p.listed();
                if (listed != null && listed.isDirectory()) {
                    throw new IOException(path + " is a directory");
                }
                FSDataInputStream in;
                try {
                    in = fs.open(p.hadoop());
                } catch (java.io.FileNotFoundException e) {
                    if (listed == null && status(path).isDirectory()) { // NoSuchFileException when missing
                        throw new IOException(path + " is a directory");
                    }
                    throw e;
                }
                return HadoopFileChannel.reading(path.toString(), in,
                        listed != null ? listed::getLen : () -> status(path).getLen());
            }
            if (options.contains(StandardOpenOption.APPEND)) {
                return HadoopFileChannel.writing(path.toString(), fs.append(p.hadoop()));
            }
            boolean create = options.contains(StandardOpenOption.CREATE);
            boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING);
            if (options.contains(StandardOpenOption.CREATE_NEW) || (create && truncate)) {
                // one request, as every file the builder writes is opened: Hadoop's create does the rest
                return HadoopFileChannel.writing(path.toString(),
                        fs.create(p.hadoop(), !options.contains(StandardOpenOption.CREATE_NEW)));
            }
            boolean exists = fs.exists(p.hadoop());
            if (exists && !truncate) {
                throw new UnsupportedOperationException(path + ": a Hadoop file cannot be rewritten in place "
                        + "(open it with TRUNCATE_EXISTING)");
            }
            if (!exists && !create) {
                throw new NoSuchFileException(path.toString());
            }
            return HadoopFileChannel.writing(path.toString(), fs.create(p.hadoop(), exists));
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        HadoopPath d = cast(dir);
        if (!listedOrStatus(dir).isDirectory()) {
            throw new NotDirectoryException(dir.toString());
        }
        FileStatus[] listed;
        try {
            listed = d.getFileSystem().hadoop().listStatus(d.hadoop());
        } catch (IOException e) {
            throw translate(e, dir);
        }
        List<Path> entries = new ArrayList<>();
        for (FileStatus s : listed) {
            HadoopPath entry = ((HadoopPath) dir.resolve(s.getPath().getName())).withListed(s);
            if (filter.accept(entry)) {
                entries.add(entry);
            }
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return entries.iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        HadoopPath d = cast(dir);
        org.apache.hadoop.fs.FileSystem fs = d.getFileSystem().hadoop();
        try {
            if (fs.exists(d.hadoop())) {
                throw new FileAlreadyExistsException(dir.toString());
            }
            org.apache.hadoop.fs.Path parent = d.hadoop().getParent();
            if (parent != null && !fs.exists(parent)) {
                throw new NoSuchFileException(dir.getParent().toString(), null, "no parent folder");
            }
            if (!fs.mkdirs(d.hadoop())) {
                throw new IOException("cannot create folder " + dir);
            }
        } catch (IOException e) {
            throw translate(e, dir);
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        HadoopPath p = cast(path);
        org.apache.hadoop.fs.FileSystem fs = p.getFileSystem().hadoop();
        FileStatus status = status(path);
        try {
            if (status.isDirectory() && fs.listStatus(p.hadoop()).length > 0) {
                throw new DirectoryNotEmptyException(path.toString());
            }
            if (!fs.delete(p.hadoop(), false)) {
                throw new IOException("cannot delete " + path);
            }
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        HadoopPath s = cast(source);
        HadoopPath t = cast(target);
        boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
        try {
            if (!replace && t.getFileSystem().hadoop().exists(t.hadoop())) {
                throw new FileAlreadyExistsException(target.toString());
            }
            if (!FileUtil.copy(s.getFileSystem().hadoop(), s.hadoop(), t.getFileSystem().hadoop(), t.hadoop(),
                    false, replace, s.getFileSystem().hadoop().getConf())) {
                throw new IOException("cannot copy " + source + " to " + target);
            }
        } catch (IOException e) {
            throw translate(e, source);
        }
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        HadoopPath s = cast(source);
        HadoopPath t = cast(target);
        if (!s.getFileSystem().equals(t.getFileSystem())) {
            throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), "another file system");
        }
        List<CopyOption> opts = Arrays.asList(options);
        org.apache.hadoop.fs.FileSystem fs = s.getFileSystem().hadoop();
        try {
            // two requests when the target is new (every commit of the builder): a missing source is found
            // when the rename fails
            if (fs.exists(t.hadoop())) {
                if (opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
                    throw new AtomicMoveNotSupportedException(source.toString(), target.toString(),
                            "Hadoop renames onto an existing file as a delete then a rename");
                }
                if (!opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                delete(target);
            }
            if (!fs.rename(s.hadoop(), t.hadoop())) {
                status(source); // NoSuchFileException when that is why
                throw new IOException("cannot rename " + source + " to " + target);
            }
        } catch (IOException e) {
            throw translate(e, source);
        }
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.toAbsolutePath().normalize().equals(path2.toAbsolutePath().normalize());
    }

    @Override
    public boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) {
        throw new UnsupportedOperationException("Hadoop file systems have no file stores");
    }

    /** Checks that the path exists; Hadoop checks permissions when a file is used. */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        if (cast(path).listed() == null) {
            status(path);
        }
    }

    /** The status of a path found by a listing as that listing gave it, else asked of the file system. */
    private static FileStatus listedOrStatus(Path path) throws IOException {
        FileStatus listed = cast(path).listed();
        return listed != null ? listed : status(path);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null;
        }
        return (V) new BasicFileAttributeView() {
            @Override
            public String name() {
                return "basic";
            }

            @Override
            public BasicFileAttributes readAttributes() throws IOException {
                return new Attributes(status(path));
            }

            @Override
            public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
                hadoop(path).setTimes(cast(path).hadoop(), modified == null ? -1 : modified.toMillis(),
                        access == null ? -1 : access.toMillis());
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (!type.isAssignableFrom(Attributes.class)) {
            throw new UnsupportedOperationException("Hadoop file systems have basic attributes only, not " + type);
        }
        return (A) new Attributes(listedOrStatus(path));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        Attributes a = new Attributes(listedOrStatus(path));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("size", a.size());
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", a.isSymbolicLink());
        all.put("isOther", a.isOther());
        all.put("fileKey", a.fileKey());
        String names = attributes.startsWith("basic:") ? attributes.substring(6) : attributes;
        if (names.equals("*")) {
            return all;
        }
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String n : names.split(",")) {
            if (!all.containsKey(n)) {
                throw new IllegalArgumentException("no attribute '" + n + "' here");
            }
            picked.put(n, all.get(n));
        }
        return picked;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new UnsupportedOperationException("attributes of Hadoop files are not set through java.nio");
    }

    /** A Hadoop file status as java.nio's basic attributes. */
    private record Attributes(FileStatus status) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(status.getModificationTime());
        }

        @Override
        public FileTime lastAccessTime() {
            return FileTime.fromMillis(status.getAccessTime());
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return status.isFile();
        }

        @Override
        public boolean isDirectory() {
            return status.isDirectory();
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return !status.isFile() && !status.isDirectory();
        }

        @Override
        public long size() {
            return status.getLen();
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }
}
