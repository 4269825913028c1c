package dev.lowres.spark.fs;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A Hadoop file system of scheme {@value #SCHEME} that stores its files on the local disk, for tests: the JDK
 * has no provider for the scheme, so a path that reaches a file through it went through Hadoop's client (and
 * this package), never through java.nio's default file system. Counts what it is asked to do (a status asked
 * by its own listing, as the local file system lists, is not counted). Registered in
 * {@code META-INF/services/org.apache.hadoop.fs.FileSystem}, as Hadoop finds its own file systems.
 */
public class RemoteLikeFileSystem extends RawLocalFileSystem {
    /** The scheme. */
    public static final String SCHEME = "lowrestest";
    public static final AtomicLong OPENS = new AtomicLong();
    public static final AtomicLong CREATES = new AtomicLong();
    public static final AtomicLong RENAMES = new AtomicLong();
    public static final AtomicLong LISTINGS = new AtomicLong();
    public static final AtomicLong STATUSES = new AtomicLong();
    /** Set while the local file system lists a folder: it asks every entry's status itself. */
    private static final ThreadLocal<Boolean> LISTING = ThreadLocal.withInitial(() -> false);

    /** The URI of {@code localPath} in this file system. */
    public static String uri(java.nio.file.Path localPath) {
        String path = localPath.toAbsolutePath().toUri().getRawPath();
        return SCHEME + "://" + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        OPENS.incrementAndGet();
        return super.open(f, bufferSize);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        CREATES.incrementAndGet();
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        CREATES.incrementAndGet();
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        RENAMES.incrementAndGet();
        return super.rename(src, dst);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        LISTINGS.incrementAndGet();
        LISTING.set(true);
        try {
            return super.listStatus(f);
        } finally {
            LISTING.set(false);
        }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        if (!LISTING.get()) {
            STATUSES.incrementAndGet();
        }
        return super.getFileStatus(f);
    }
}
