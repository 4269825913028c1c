package dev.lowres.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The exclusive right to write a dataset directory: an operating-system lock on {@value #FILE} inside it,
 * held from before the build looks at the directory until after its manifest is written. A second build
 * into the same directory, from this process or another, fails at once naming the holder instead of
 * mixing its files and journal into the first one's. The lock dies with its process, so a killed build
 * never leaves a stale lock behind; the file itself is removed when the holder finishes. A training run's
 * directory is held the same way ({@link #forRun}, {@value #RUN_FILE}).
 *
 * <p>On a file system without operating-system locks (a Hadoop file system seen through java.nio, the Spark
 * build's {@code hdfs://} or {@code s3a://} output) the lock is the file itself, created exclusively: a second
 * build fails the same way, but a build that is killed leaves the file behind, and the message says to remove
 * it once no build is running.
 */
public final class BuildLock implements AutoCloseable {
    /** The lock file's name. */
    public static final String FILE = ".lowres-build.lock";
    /** The lock file of a training run's directory. */
    public static final String RUN_FILE = ".lowres-train.lock";

    private final Path file;
    /** The locked channel, or null for a lock file created exclusively. */
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code datasetDir}, creating the directory if needed.
     *
     * @throws OutputInUseException when another build holds it; the message says which (process id,
     *                              start time) as the holder recorded it
     */
    public static BuildLock acquire(Path datasetDir) throws IOException, OutputInUseException {
        return acquire(datasetDir, FILE, "another lowres build is writing ",
                "; wait for it to finish, or stop it and run the build again to resume");
    }

    /**
     * Takes the lock of a training run's directory (created if needed): one training process writes it at a time.
     *
     * @throws OutputInUseException when another training process holds it, naming that process
     */
    public static BuildLock forRun(Path runDir) throws IOException, OutputInUseException {
        return acquire(runDir, RUN_FILE, "another lowres train is writing ",
                "; wait for it to finish, or stop it (Ctrl-C) and continue it with --resume");
    }

    private static BuildLock acquire(Path dir, String name, String inUse, String advice)
            throws IOException, OutputInUseException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        if (dir.getFileSystem() != FileSystems.getDefault()) {
            return exclusiveFile(dir, file, inUse, advice);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (another build running in this JVM)
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw inUse(inUse, dir, holder, advice);
        }
        String me = me();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new BuildLock(file, channel, lock);
    }

    /** "another lowres build is writing DIR (HOLDER); ADVICE". */
    private static OutputInUseException inUse(String inUse, Path dir, String holder, String advice) {
        return new OutputInUseException(inUse + dir + (holder.isEmpty() ? "" : " (" + holder + ")") + advice);
    }

    private static String me() {
        String host = hostName();
        return "pid " + ProcessHandle.current().pid() + ", started " + Instant.now()
                + (host.isEmpty() ? "" : " on " + host);
    }

    /** The lock as a file created exclusively, where the file system has no locks. */
    private static BuildLock exclusiveFile(Path dir, Path file, String inUse, String advice)
            throws IOException, OutputInUseException {
        try (var out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(me().getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            String holder;
            try {
                holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException unreadable) {
                holder = "";
            }
            throw inUse(inUse, dir, holder, advice + "; this file system has no locks that die with their process, so "
                    + "if no build is running (a killed one leaves its lock), remove " + file);
        }
        return new BuildLock(file, null, null);
    }

    /** This machine's name where the kernel tells it cheaply (Linux), else empty. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env;
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(512);
            int n = channel.read(buf, 0);
            return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes the lock file and releases the lock. */
    @Override
    public void close() throws IOException {
        if (channel == null) {
            Files.deleteIfExists(file);
            return;
        }
        try {
            Files.deleteIfExists(file);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
