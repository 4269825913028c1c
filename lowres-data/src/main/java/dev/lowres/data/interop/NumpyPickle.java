package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Reads Python pickles that hold numpy arrays, with razorvine's {@link Unpickler} and constructors for the
 * functions numpy pickles through: {@code numpy.core.multiarray._reconstruct} (protocols 2 to 4; the array's
 * state arrives by {@code __setstate__((version, shape, dtype, is_fortran, rawdata))}),
 * {@code numpy.core.numeric._frombuffer} (protocol 5), {@code numpy.dtype}, and
 * {@code numpy.core.multiarray.scalar} (numpy integers in a list), under both {@code numpy.core} (numpy 1)
 * and {@code numpy._core} (numpy 2).
 */
final class NumpyPickle {
    static {
        IObjectConstructor reconstruct = args -> new NdArray();
        IObjectConstructor scalar = NumpyPickle::scalar;
        IObjectConstructor frombuffer = NumpyPickle::fromBuffer;
        for (String core : List.of("numpy.core", "numpy._core")) {
            Unpickler.registerConstructor(core + ".multiarray", "_reconstruct", reconstruct);
            Unpickler.registerConstructor(core + ".multiarray", "scalar", scalar);
            Unpickler.registerConstructor(core + ".numeric", "_frombuffer", frombuffer);
        }
        Unpickler.registerConstructor("numpy", "dtype", args -> new DType(String.valueOf(args[0])));
    }

    private NumpyPickle() {
    }

    /**
     * Unpickles a file that holds a dict, with string keys.
     *
     * @param headersOnly skip the payload of large byte strings (array data): arrays then know their shape
     *                    and dtype but hold no bytes, which makes reading a multi-gigabyte batch's shapes
     *                    and label count cheap
     * @throws SourceException when the file is not such a pickle (truncated, another object), naming the file
     */
    static Map<String, Object> loadDict(Path file, boolean headersOnly) throws IOException, SourceException {
        Object loaded;
        Unpickler unpickler = headersOnly ? new HeaderUnpickler() : new Unpickler();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            loaded = unpickler.load(in);
        } catch (PickleException | EOFException | ClassCastException | IllegalArgumentException
                 | IndexOutOfBoundsException e) {
            throw new SourceException(file + " is not a readable pickle (truncated or not a batch file): "
                    + describe(e), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("premature end")) {
                throw new SourceException(file + " is truncated: the pickle ends early", e);
            }
            throw e;
        } finally {
            unpickler.close();
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new SourceException(file + " holds a " + typeName(loaded) + ", not a dict of arrays");
        }
        Map<String, Object> dict = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = e.getKey();
            String k = key instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(key);
            dict.put(k, e.getValue());
        }
        return dict;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (c.getMessage() != null) {
                text.append(": ").append(c.getMessage());
            }
            e = c;
        }
        return text.toString();
    }

    static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    /** The length of a byte string whose payload a headers-only read skipped. */
    record SkippedBytes(long length) {
    }

    /** An unpickler that skips the payload of large byte strings instead of reading them. */
    private static final class HeaderUnpickler extends Unpickler {
        @Override
        protected Object dispatch(short key) throws IOException {
            switch (key) {
                case Opcodes.BINBYTES:
                    skipPayload(Integer.toUnsignedLong(ByteBuffer.wrap(readN(4)).order(ByteOrder.LITTLE_ENDIAN)
                            .getInt()));
                    return NO_RETURN_VALUE;
                case Opcodes.BINBYTES8:
                case Opcodes.BYTEARRAY8:
                    skipPayload(ByteBuffer.wrap(readN(8)).order(ByteOrder.LITTLE_ENDIAN).getLong());
                    return NO_RETURN_VALUE;
                default:
                    return super.dispatch(key);
            }
        }

        private byte[] readN(int n) throws IOException {
            byte[] b = input.readNBytes(n);
            if (b.length != n) {
                throw new EOFException("premature end of file");
            }
            return b;
        }

        private void skipPayload(long length) throws IOException {
            if (length < 0) {
                throw new IOException("negative byte string length");
            }
            long left = length;
            while (left > 0) {
                long skipped = input.skip(left);
                if (skipped <= 0) {
                    if (input.read() < 0) {
                        throw new EOFException("premature end of file");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            stack.add(new SkippedBytes(length));
        }
    }

    /** A numpy dtype as pickled: a type code such as {@code u1}, {@code i8}, {@code f8}, and a byte order. */
    public static final class DType {
        private final String code;
        private String byteOrder = "|";

        DType(String code) {
            this.code = code.isEmpty() || Character.isLetter(code.charAt(0)) ? code : code.substring(1);
            if (!code.equals(this.code)) {
                byteOrder = code.substring(0, 1);
            }
        }

        /** Called by the unpickler with numpy's dtype state {@code (version, byteorder, ...)}. */
        public void __setstate__(Object[] state) {
            if (state.length > 1 && state[1] instanceof String s && !s.isEmpty()) {
                byteOrder = s;
            }
        }

        /** The kind: {@code u} unsigned, {@code i} signed, {@code f} float, ... */
        char kind() {
            return code.isEmpty() ? '?' : code.charAt(0);
        }

        /** Bytes per element, or -1 when the code carries none. */
        int itemSize() {
            try {
                return Integer.parseInt(code.substring(1));
            } catch (RuntimeException e) {
                return -1;
            }
        }

        ByteOrder order() {
            return byteOrder.equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        /** numpy's descr string, e.g. {@code |u1}, {@code <i8}. */
        String descr() {
            return byteOrder + code;
        }

        @Override
        public String toString() {
            return descr();
        }
    }

    /** A numpy ndarray as pickled: shape, dtype, order, and its raw bytes (absent after a headers-only read). */
    public static final class NdArray {
        private long[] shape;
        private DType dtype;
        private boolean fortran;
        private byte[] data;
        private long dataLength;

        NdArray() {
        }

        /**
         * Called by the unpickler with the state of {@code ndarray.__reduce__}:
         * {@code (version, shape, dtype, is_fortran, rawdata)}, or the same without {@code version}.
         */
        public void __setstate__(Object[] state) {
            Object[] s = state.length == 5 ? Arrays.copyOfRange(state, 1, 5) : state;
            if (s.length != 4) {
                throw new IllegalArgumentException("unexpected ndarray state of " + state.length + " items");
            }
            set((Object[]) s[0], (DType) s[1], Boolean.TRUE.equals(s[2]), s[3]);
        }

        void set(Object[] dims, DType type, boolean fortranOrder, Object raw) {
            shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = ((Number) dims[i]).longValue();
            }
            dtype = type;
            fortran = fortranOrder;
            if (raw instanceof byte[] b) {
                data = b;
                dataLength = b.length;
            } else if (raw instanceof String str) {
                // a Python 2 str: one char per byte
                data = str.getBytes(StandardCharsets.ISO_8859_1);
                dataLength = data.length;
            } else if (raw instanceof SkippedBytes skipped) {
                dataLength = skipped.length();
            } else {
                throw new IllegalArgumentException("unsupported ndarray payload " + typeName(raw)
                        + " (object arrays are not supported)");
            }
        }

        long[] shape() {
            return shape.clone();
        }

        DType dtype() {
            return dtype;
        }

        boolean fortranOrder() {
            return fortran;
        }

        /** Number of elements. */
        long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** Length of the raw data. */
        long dataLength() {
            return dataLength;
        }

        /** The raw bytes. */
        byte[] data() {
            if (data == null) {
                throw new IllegalStateException("array data were skipped");
            }
            return data;
        }

        @Override
        public String toString() {
            return "ndarray(" + dtype + ", " + Arrays.toString(shape) + ")";
        }
    }

    private static Object fromBuffer(Object[] args) {
        // _frombuffer(buffer, dtype, shape, order)
        NdArray a = new NdArray();
        a.set((Object[]) args[2], (DType) args[1], "F".equals(args[3]), args[0]);
        return a;
    }

    private static Object scalar(Object[] args) {
        // scalar(dtype, bytes)
        DType type = (DType) args[0];
        byte[] raw = args[1] instanceof String s ? s.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) args[1];
        ByteBuffer b = ByteBuffer.wrap(raw).order(type.order());
        return switch (type.kind()) {
            case 'i', 'u' -> integer(b, type.kind() == 'u', raw.length);
            case 'f' -> raw.length == 4 ? (double) b.getFloat() : b.getDouble();
            case 'b' -> raw[0] != 0;
            default -> throw new PickleException("unsupported numpy scalar type " + type);
        };
    }

    /** Reads one integer of {@code size} bytes at the buffer's position. */
    static long integer(ByteBuffer b, boolean unsigned, int size) {
        return switch (size) {
            case 1 -> unsigned ? b.get() & 0xFFL : b.get();
            case 2 -> unsigned ? b.getShort() & 0xFFFFL : b.getShort();
            case 4 -> unsigned ? b.getInt() & 0xFFFFFFFFL : b.getInt();
            case 8 -> b.getLong();
            default -> throw new IllegalArgumentException("unsupported integer size " + size);
        };
    }

    /**
     * The labels of a batch as longs: a list of Python or numpy integers, or a 1-D integer ndarray.
     *
     * @throws SourceException naming the file when they are something else
     */
    static long[] labels(Object labels, Path file) throws SourceException {
        requireLabels(labels, file);
        if (labels instanceof List<?> list) {
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object v = list.get(i);
                if (v instanceof BigInteger big) {
                    throw new SourceException(file + ": label " + big + " at row " + i + " is out of range");
                }
                if (!(v instanceof Number n) || v instanceof Double || v instanceof Float) {
                    throw new SourceException(file + ": label at row " + i + " is a " + typeName(v) + ", not an integer");
                }
                out[i] = n.longValue();
            }
            return out;
        }
        if (labels instanceof NdArray a) {
            char kind = a.dtype().kind();
            int size = a.dtype().itemSize();
            if ((kind != 'i' && kind != 'u') || (size != 1 && size != 2 && size != 4 && size != 8)) {
                throw new SourceException(file + ": labels have dtype " + a.dtype() + "; expected integers");
            }
            long n = a.count();
            if (a.dataLength() != n * size) {
                throw new SourceException(file + ": labels hold " + a.dataLength() + " bytes, their shape needs "
                        + n * size);
            }
            ByteBuffer b = ByteBuffer.wrap(a.data()).order(a.dtype().order());
            long[] out = new long[(int) n];
            for (int i = 0; i < out.length; i++) {
                out[i] = integer(b, kind == 'u', size);
            }
            return out;
        }
        throw new SourceException(file + ": labels are a " + typeName(labels) + ", not a list or array of integers");
    }

    private static void requireLabels(Object labels, Path file) throws SourceException {
        if (labels == null) {
            throw new SourceException(file + " has no 'labels'");
        }
    }

    /** The number of labels without reading them (works after a headers-only read). */
    static long labelCount(Object labels, Path file) throws SourceException {
        requireLabels(labels, file);
        if (labels instanceof List<?> list) {
            return list.size();
        }
        if (labels instanceof NdArray a) {
            return a.count();
        }
        throw new SourceException(file + ": labels are a " + typeName(labels) + ", not a list or array of integers");
    }
}
