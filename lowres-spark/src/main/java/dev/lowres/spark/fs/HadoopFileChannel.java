package dev.lowres.spark.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * A Hadoop file opened for reading (seekable, with positioned reads) or for writing from its start (as Hadoop
 * writes files: sequentially, once), as a {@link FileChannel}, since lowres-data opens files with
 * {@code FileChannel.open}. Memory maps and locks need a local file and are refused; {@link #force} is
 * Hadoop's {@code hsync}.
 */
final class HadoopFileChannel extends FileChannel {
    private final String name;
    private final FSDataInputStream in;
    private final FSDataOutputStream out;
    private final Length lengthSource;
    private long length = -1;
    private byte[] buffer = new byte[0];

    /** A file's length, asked of the file system only when it is needed. */
    @FunctionalInterface
    interface Length {
        long get() throws IOException;
    }

    private HadoopFileChannel(String name, FSDataInputStream in, FSDataOutputStream out, Length length) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.lengthSource = length;
    }

    /**
     * A file to read; its length is asked of {@code length} on the first {@link #size} or positioned read, so that
     * reading a file to its end costs the open alone.
     */
    static HadoopFileChannel reading(String name, FSDataInputStream in, Length length) {
        return new HadoopFileChannel(name, in, null, length);
    }

    static HadoopFileChannel writing(String name, FSDataOutputStream out) {
        return new HadoopFileChannel(name, null, out, null);
    }

    private long length() throws IOException {
        if (length < 0) {
            length = lengthSource.get();
        }
        return length;
    }

    private FSDataInputStream in() {
        if (in == null) {
            throw new NonReadableChannelException();
        }
        return in;
    }

    private FSDataOutputStream out() {
        if (out == null) {
            throw new NonWritableChannelException();
        }
        return out;
    }

    private byte[] buffer(int n) {
        if (buffer.length < n) {
            buffer = new byte[Math.max(n, Math.min(1 << 20, buffer.length * 2))];
        }
        return buffer;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        FSDataInputStream stream = in();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (dst.hasArray()) {
            int n = stream.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] b = buffer(Math.min(dst.remaining(), 1 << 20));
        int n = stream.read(b, 0, Math.min(b.length, dst.remaining()));
        if (n > 0) {
            dst.put(b, 0, n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int count) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + count; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        FSDataInputStream stream = in();
        if (position >= length()) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), length() - position);
        byte[] b = dst.hasArray() ? dst.array() : buffer(want);
        int off = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        int n = stream.read(position, b, off, want);
        if (n > 0) {
            if (dst.hasArray()) {
                dst.position(dst.position() + n);
            } else {
                dst.put(b, 0, n);
            }
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        FSDataOutputStream stream = out();
        int n = src.remaining();
        if (src.hasArray()) {
            stream.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] b = buffer(Math.min(n, 1 << 20));
            int left = n;
            while (left > 0) {
                int chunk = Math.min(left, b.length);
                src.get(b, 0, chunk);
                stream.write(b, 0, chunk);
                left -= chunk;
            }
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int count) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + count; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    /** Writes at {@code position} when it is where the file ends (Hadoop files are written sequentially). */
    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (position != out().getPos()) {
            throw new UnsupportedOperationException(name + ": a Hadoop file is written sequentially, not at "
                    + "position " + position + " of " + out.getPos());
        }
        return write(src);
    }

    @Override
    public long position() throws IOException {
        return in != null ? in.getPos() : out.getPos();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (in != null) {
            in.seek(newPosition);
        } else if (newPosition != out.getPos()) {
            throw new UnsupportedOperationException(name + ": a Hadoop file being written cannot seek");
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        return in != null ? length() : out.getPos();
    }

    /** Truncating a file being written to its current length (or beyond) is a no-op; anything else is refused. */
    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < size()) {
            throw new UnsupportedOperationException(name + ": Hadoop files cannot be truncated here");
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (out != null) {
            out.hsync();
        }
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        long done = 0;
        while (done < count) {
            b.clear().limit((int) Math.min(b.capacity(), count - done));
            int n = read(b, position + done);
            if (n <= 0) {
                break;
            }
            b.flip();
            while (b.hasRemaining()) {
                target.write(b);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        long done = 0;
        while (done < count) {
            b.clear().limit((int) Math.min(b.capacity(), count - done));
            int n = src.read(b);
            if (n <= 0) {
                break;
            }
            b.flip();
            done += write(b, position + done);
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException(name + ": memory maps need a local file");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException(name + ": Hadoop file systems have no file locks");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException(name + ": Hadoop file systems have no file locks");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        if (in != null) {
            in.close();
        } else {
            out.close();
        }
    }
}
