package dev.lowres.data.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes one file atomically (see {@link AtomicFiles}) while computing its SHA-256 in the same pass.
 */
public final class DigestingWriter {
    /** What writes the file's content. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private DigestingWriter() {
    }

    /**
     * Writes {@code target} and returns the hex SHA-256 of what was written. On failure the temporary
     * file is removed and {@code target} is left as it was.
     */
    public static String write(Path target, Body body) throws IOException {
        Path tmp = AtomicFiles.temp(target);
        MessageDigest digest = sha256();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new DigestOutputStream(
                    new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20), digest);
            body.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        AtomicFiles.commit(tmp, target);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** The hex SHA-256 of a file, read in 1 MiB blocks. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                digest.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
