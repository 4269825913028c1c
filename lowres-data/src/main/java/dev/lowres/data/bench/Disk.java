package dev.lowres.data.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** What the disk allows: cold-cache sequential reads, and dropping the page cache (root on Linux). */
public final class Disk {
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private Disk() {
    }

    /**
     * Drops the page cache so the next reads come from the disk.
     *
     * @return false where this process may not (not root, not Linux)
     */
    public static boolean dropCaches() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(DROP_CACHES, "3");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads {@code files} front to back with 8 MiB reads; returns MB/s (decimal). */
    public static double sequentialRead(List<Path> files) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
        long bytes = 0;
        long start = System.nanoTime();
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                int n;
                while ((n = ch.read(buf)) >= 0) {
                    bytes += n;
                    buf.clear();
                }
            }
        }
        return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }
}
