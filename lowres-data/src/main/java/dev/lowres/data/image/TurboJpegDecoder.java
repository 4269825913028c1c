package dev.lowres.data.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.lowres.data.image.BadImageException.Reason;

/**
 * JPEG decoding with the system's TurboJPEG library ({@code libturbojpeg.so.0}, part of libjpeg-turbo)
 * through JNA direct mapping. {@code tjDecompress2} writes each row straight into a reused native buffer in
 * {@code TJPF_XBGR}, which read as little-endian ints is {@link DecodedImage}'s layout, so there is no
 * conversion pass. Accurate (islow) IDCT and fancy upsampling, as PIL; warnings do not stop a decode, as in
 * PIL.
 */
final class TurboJpegDecoder implements JpegBackend {
    private static final int TJPF_XBGR = 4;
    private static final int TJFLAG_ACCURATEDCT = 4096;
    private static final int TJERR_FATAL = 1;
    private static final String LIBRARY = "turbojpeg";
    private static final Throwable LOAD_FAILURE = load();

    private final Pointer handle;
    private Memory input = new Memory(1 << 20);
    private Memory output = new Memory(4L << 20);
    private final IntByReference width = new IntByReference();
    private final IntByReference height = new IntByReference();
    private final IntByReference subsampling = new IntByReference();
    private final IntByReference colorspace = new IntByReference();

    TurboJpegDecoder() {
        if (LOAD_FAILURE != null) {
            throw new IllegalStateException("libturbojpeg is not available", LOAD_FAILURE);
        }
        handle = tjInitDecompress();
        if (handle == null) {
            throw new IllegalStateException("tjInitDecompress failed");
        }
    }

    private static Throwable load() {
        try {
            // Linux distributions ship the runtime library under its soname only (no libturbojpeg.so link)
            String name = System.mapLibraryName(LIBRARY).endsWith(".so") ? "libturbojpeg.so.0" : LIBRARY;
            NativeLibrary library = NativeLibrary.getInstance(name);
            Native.register(TurboJpegDecoder.class, library);
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    static boolean available() {
        return LOAD_FAILURE == null;
    }

    static String unavailableReason() {
        return LOAD_FAILURE == null ? "" : LOAD_FAILURE.getMessage();
    }

    static String description() {
        return "libjpeg-turbo via the system's libturbojpeg (JNA)";
    }

    @Override
    public String name() {
        return "turbojpeg";
    }

    @Override
    public DecodedImage decode(byte[] data, int length, int reduction, ImageDecoder.Buffers buffers)
            throws BadImageException {
        if (input.size() < length) {
            input.close();
            input = new Memory(Math.max(length, input.size() * 2));
        }
        input.write(0, data, 0, length);
        if (tjDecompressHeader3(handle, input, new NativeLong(length), width, height, subsampling, colorspace) != 0
                && tjGetErrorCode(handle) == TJERR_FATAL) {
            throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: " + tjGetErrorStr2(handle));
        }
        int w = (width.getValue() + reduction - 1) / reduction;
        int h = (height.getValue() + reduction - 1) / reduction;
        long bytes = 4L * w * h;
        if (output.size() < bytes) {
            output.close();
            output = new Memory(Math.max(bytes, output.size() * 2));
        }
        if (tjDecompress2(handle, input, new NativeLong(length), output, w, 4 * w, h, TJPF_XBGR, TJFLAG_ACCURATEDCT) != 0
                && tjGetErrorCode(handle) == TJERR_FATAL) {
            throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: " + tjGetErrorStr2(handle));
        }
        int[] pixels = buffers.get(w * h);
        output.read(0, pixels, 0, w * h);
        return new DecodedImage(w, h, pixels);
    }

    @Override
    public void close() {
        tjDestroy(handle);
        input.close();
        output.close();
    }

    private static native Pointer tjInitDecompress();

    private static native int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize,
                                                  IntByReference width, IntByReference height,
                                                  IntByReference jpegSubsamp, IntByReference jpegColorspace);

    private static native int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf,
                                            int width, int pitch, int height, int pixelFormat, int flags);

    private static native int tjGetErrorCode(Pointer handle);

    private static native String tjGetErrorStr2(Pointer handle);

    private static native int tjDestroy(Pointer handle);
}
