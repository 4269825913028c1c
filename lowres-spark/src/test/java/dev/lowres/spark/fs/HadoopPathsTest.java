package dev.lowres.spark.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Hadoop file system behaves through java.nio as the builder expects of a local disk. */
class HadoopPathsTest {
    @TempDir
    Path local;

    private Path remote(String relative) {
        return HadoopPaths.resolve(RemoteLikeFileSystem.uri(local) + "/" + relative);
    }

    @Test
    void localPathsAndFileUrisStayLocalAndOtherSchemesGoThroughHadoop() {
        assertEquals(Path.of("/data/x"), HadoopPaths.resolve("/data/x"));
        assertEquals(Path.of("/data/x"), HadoopPaths.resolve("file:///data/x"));
        assertEquals(Path.of("rel/x"), HadoopPaths.resolve("rel/x"));
        Path r = remote("tree");
        assertInstanceOf(HadoopPath.class, r);
        assertTrue(HadoopPaths.isHadoop(r));
        assertFalse(HadoopPaths.isHadoop(Path.of("/data")));
        assertTrue(HadoopPaths.location(r).startsWith(RemoteLikeFileSystem.SCHEME + ":"), HadoopPaths.location(r));
        assertEquals(r, HadoopPaths.resolve(HadoopPaths.location(r)), "a location resolves to the same path");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> HadoopPaths.resolve("nosuchfs://host/data"));
        assertTrue(unknown.getMessage().contains("Hadoop has no file system for 'nosuchfs://'"), unknown.getMessage());
        IllegalArgumentException noConnector = assertThrows(IllegalArgumentException.class,
                () -> HadoopPaths.resolve("s3a://bucket/imagenet"));
        assertTrue(noConnector.getMessage().contains("Hadoop's file system for 's3a://' is not on the class path")
                && noConnector.getMessage().contains("hadoop-aws"), noConnector.getMessage());
    }

    @Test
    void namesResolveAndRelativizeAsPosixPathsAndPrintAsKeysOrUris() {
        Path root = remote("train");
        Path file = root.resolve("n01440764/a b.JPEG");
        assertEquals("n01440764/a b.JPEG", root.relativize(file).toString(), "a key prints as its names");
        assertEquals(RemoteLikeFileSystem.SCHEME + "://" + local.toAbsolutePath() + "/train/n01440764/a b.JPEG",
                file.toString());
        assertEquals("a b.JPEG", file.getFileName().toString());
        assertEquals(root, file.getParent().getParent());
        assertTrue(file.startsWith(root));
        assertFalse(file.startsWith(local), "a local path is never a prefix of a Hadoop one");
        assertEquals(file, HadoopPaths.resolve(file.toUri().toString()), "spaces survive the URI");
        assertEquals(root.resolve("x"), root.resolve("y/../x").normalize());
    }

    @Test
    void filesAreWrittenOnceReadSeekedAndPositionallyRead() throws IOException {
        Path dir = remote("d");
        Files.createDirectories(dir.resolve("sub"));
        Path f = dir.resolve("sub/f.bin");
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes, 0, 4));
            ch.write(ByteBuffer.allocateDirect(6).put(bytes, 4, 6).flip());
            assertEquals(10, ch.position());
            ch.force(true);
        }
        assertArrayEquals(bytes, Files.readAllBytes(local.resolve("d/sub/f.bin")), "the bytes are on the disk");
        assertArrayEquals(bytes, Files.readAllBytes(f));
        assertEquals(10, Files.size(f));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, ch.read(b, 7));
            assertEquals("789", new String(b.array(), StandardCharsets.US_ASCII));
            ch.position(5);
            ByteBuffer d = ByteBuffer.allocateDirect(2);
            ch.read(d);
            assertEquals('5', d.get(0));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1), 10));
            assertThrows(UnsupportedOperationException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1));
            assertThrows(UnsupportedOperationException.class, ch::tryLock);
        }
        assertThrows(FileAlreadyExistsException.class,
                () -> Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        assertThrows(UnsupportedOperationException.class, () -> FileChannel.open(f, StandardOpenOption.WRITE),
                "an existing Hadoop file is not rewritten in place");
        assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(dir.resolve("missing")));
        assertThrows(NoSuchFileException.class, () -> Files.createDirectory(dir.resolve("no/parent")));
    }

    /**
     * Reading a file to its end costs what Hadoop's own open costs (on HDFS one request to the namenode): no
     * status first. Its length is asked only when wanted, and a directory or a missing file is still named so.
     */
    @Test
    void aFileReadToItsEndCostsHadoopsOpenAlone() throws Exception {
        Files.writeString(local.resolve("photo.JPEG"), "0123456789");
        Files.createDirectories(local.resolve("folder"));
        Path photo = remote("photo.JPEG");
        org.apache.hadoop.fs.FileSystem hadoop = ((HadoopPath) photo).getFileSystem().hadoop();
        long before = RemoteLikeFileSystem.STATUSES.get();
        hadoop.open(((HadoopPath) photo).hadoop()).close();
        long openAlone = RemoteLikeFileSystem.STATUSES.get() - before;

        before = RemoteLikeFileSystem.STATUSES.get();
        byte[] read = new byte[64];
        int n = 0;
        try (FileChannel ch = FileChannel.open(photo, StandardOpenOption.READ)) {
            for (int r; (r = ch.read(ByteBuffer.wrap(read, n, read.length - n))) >= 0; ) {
                n += r;
            }
        }
        assertEquals("0123456789", new String(read, 0, n, StandardCharsets.US_ASCII));
        assertEquals(openAlone, RemoteLikeFileSystem.STATUSES.get() - before, "no status beyond Hadoop's open");

        assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(photo),
                "the length, when asked (readAllBytes sizes its buffer), is right");
        IOException folder = assertThrows(IOException.class, () -> Files.readAllBytes(remote("folder")));
        assertTrue(folder.getMessage().contains("is a directory"), folder.getMessage());
        assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(remote("nothing.JPEG")));
        assertThrows(NoSuchFileException.class, () -> Files.move(remote("nothing.tmp"), remote("other"),
                StandardCopyOption.ATOMIC_MOVE), "a rename of a missing file says so");
    }

    @Test
    void walkingListsOncePerFolderAndFindsWhatTheLocalWalkFinds() throws IOException {
        for (String name : List.of("train/a/1.JPEG", "train/a/2.JPEG", "train/b/deep/3.JPEG", "train/.hidden")) {
            Path p = local.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, name);
        }
        Path train = remote("train");
        long statuses = RemoteLikeFileSystem.STATUSES.get();
        List<String> found;
        try (Stream<Path> walk = Files.walk(train)) {
            found = walk.filter(Files::isRegularFile).map(p -> train.relativize(p).toString()).sorted().toList();
        }
        List<String> want;
        try (Stream<Path> walk = Files.walk(local.resolve("train"))) {
            want = walk.filter(Files::isRegularFile).map(p -> local.resolve("train").relativize(p).toString())
                    .sorted().toList();
        }
        assertEquals(want, found);
        assertTrue(RemoteLikeFileSystem.STATUSES.get() - statuses <= 3,
                "the start folder's status is asked, the 7 entries' come with their listings: " + (RemoteLikeFileSystem.STATUSES.get() - statuses));
    }

    @Test
    void renamesReplaceOnlyWhenAskedAndNeverClaimAtomicityTheyLack() throws IOException {
        Path a = remote("a.tmp");
        Path b = remote("b");
        Files.writeString(a, "new");
        Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);
        assertEquals("new", Files.readString(local.resolve("b")));
        Files.writeString(a, "newer");
        assertThrows(AtomicMoveNotSupportedException.class, () -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING), "onto an existing file a Hadoop rename is not atomic");
        assertThrows(FileAlreadyExistsException.class, () -> Files.move(a, b));
        Files.move(a, b, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("newer", Files.readString(b));
        assertFalse(Files.exists(a));

        Path dir = remote("full");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("x.attempt-3.tmp"), "x");
        Files.writeString(dir.resolve("y.npy"), "y");
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir));
        List<String> matched = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.attempt-*.tmp")) {
            s.forEach(p -> matched.add(p.getFileName().toString()));
        }
        assertEquals(List.of("x.attempt-3.tmp"), matched, "globs match as on a local disk");
        assertTrue(Files.deleteIfExists(dir.resolve("y.npy")));
        assertFalse(Files.deleteIfExists(dir.resolve("y.npy")));
    }
}
