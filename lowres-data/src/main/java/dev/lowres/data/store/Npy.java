package dev.lowres.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NumPy {@code .npy} format (versions 1.0 to 3.0): headers that {@code numpy.load} reads, and the
 * parsing of headers that numpy writes. Data follow the header directly, C order.
 */
public final class Npy {
    /** The magic string at the start of every npy file. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * A parsed npy header.
     *
     * @param descr numpy dtype string, e.g. {@code |u1}, {@code <i2}, {@code <f4}
     * @param fortranOrder whether the data are in Fortran order (lowres writes C order only)
     * @param shape the array's shape
     * @param dataOffset where the data start in the file
     */
    public record Header(String descr, boolean fortranOrder, long[] shape, long dataOffset) {
        /** Number of elements. */
        public long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** Bytes per element from the dtype string. */
        public int itemSize() {
            return Integer.parseInt(descr.substring(2));
        }

        /** Bytes of data the header promises. */
        public long dataLength() {
            return Math.multiplyExact(count(), itemSize());
        }

        /** Byte order of multi-byte elements. */
        public ByteOrder order() {
            return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public String toString() {
            return descr + Arrays.toString(shape);
        }
    }

    /**
     * Builds a version 1.0 header for a C-order array, padded so that the data start on a 64-byte
     * boundary as numpy does.
     */
    public static byte[] header(String descr, long... shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                dims.append(shape.length == 1 ? "," : ", ");
            }
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        int headerLength = dict.length() + padding + 1;
        if (headerLength > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long");
        }
        ByteBuffer buf = ByteBuffer.allocate(unpadded + padding).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        buf.put(dict.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < padding; i++) {
            buf.put((byte) ' ');
        }
        buf.put((byte) '\n');
        return buf.array();
    }

    /**
     * Parses the header at the start of {@code buf} (its position is left unchanged).
     *
     * @throws IOException when the bytes are not a valid npy header
     */
    public static Header parse(ByteBuffer buf, String what) throws IOException {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 10) {
            throw new IOException(what + ": not an npy file (only " + b.remaining() + " bytes)");
        }
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new IOException(what + ": not an npy file (bad magic)");
            }
        }
        int major = b.get() & 0xFF;
        b.get();
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = b.getShort() & 0xFFFF;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLength = b.getInt() & 0xFFFFFFFFL;
            prefix = 12;
        } else {
            throw new IOException(what + ": unsupported npy version " + major);
        }
        if (b.remaining() < headerLength) {
            throw new IOException(what + ": truncated npy header");
        }
        byte[] text = new byte[(int) headerLength];
        b.get(text);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new IOException(what + ": malformed npy header " + dict.trim());
        }
        String dims = shape.group(1).trim();
        long[] parsed = dims.isEmpty() ? new long[0]
                : Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.endsWith("L") ? s.substring(0, s.length() - 1) : s)
                        .mapToLong(Long::parseLong).toArray();
        return new Header(descr.group(1), fortran.group(1).equals("True"), parsed, prefix + headerLength);
    }

    /** Reads the header of an npy file. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(ch.size(), 65536 + 12));
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill
            }
            head.flip();
            return parse(head, file.toString());
        }
    }

    /** Reads a whole small npy file of one-byte elements (fixtures, tests). */
    public static byte[] readBytes(Path file) throws IOException {
        byte[] all = java.nio.file.Files.readAllBytes(file);
        Header h = parse(ByteBuffer.wrap(all), file.toString());
        if (h.itemSize() != 1) {
            throw new IOException(file + ": expected a one-byte dtype, found " + h.descr());
        }
        return data(all, h);
    }

    /** The array data of a whole npy file's bytes (any dtype), after its header. */
    public static byte[] data(byte[] file, String what) throws IOException {
        return data(file, parse(ByteBuffer.wrap(file), what));
    }

    private static byte[] data(byte[] file, Header h) {
        return Arrays.copyOfRange(file, (int) h.dataOffset(), (int) (h.dataOffset() + h.dataLength()));
    }
}
