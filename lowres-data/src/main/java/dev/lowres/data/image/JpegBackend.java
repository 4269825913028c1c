package dev.lowres.data.image;

import java.util.Locale;

/**
 * A libjpeg-turbo decoder of 1- and 3-component JPEGs to packed RGB ({@link DecodedImage}'s layout), with
 * libjpeg's defaults that PIL uses: islow IDCT, fancy upsampling. Both implementations give PIL's bytes:
 * <ul>
 *   <li>{@code turbojpeg}: the system's {@code libturbojpeg.so.0} (Debian: {@code libturbojpeg0}) called
 *       through JNA; the fastest, used when present;</li>
 *   <li>{@code leptonica}: libjpeg-turbo bundled in leptonica's JavaCPP preset, always available.</li>
 * </ul>
 * {@code -Dlowres.jpeg=turbojpeg|leptonica} (or {@code LOWRES_JPEG}) forces one; the default is the first
 * that loads. Not thread-safe: one per {@link ImageDecoder}.
 */
interface JpegBackend extends AutoCloseable {
    /**
     * Decodes a JPEG whose header has been checked.
     *
     * @param reduction 1, 2, 4 or 8: decode at that fraction of the size in the DCT domain
     */
    DecodedImage decode(byte[] data, int length, int reduction, ImageDecoder.Buffers buffers)
            throws BadImageException;

    @Override
    void close();

    /** The backend's name. */
    String name();

    /** The backend the setting asks for: {@code auto} (default), {@code turbojpeg} or {@code leptonica}. */
    static String setting() {
        String value = System.getProperty("lowres.jpeg", System.getenv("LOWRES_JPEG"));
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    /** A new backend as the setting says. */
    static JpegBackend create() {
        String setting = setting();
        switch (setting) {
            case "leptonica":
                return new LeptonicaJpegDecoder();
            case "turbojpeg":
                if (!TurboJpegDecoder.available()) {
                    throw new IllegalStateException("lowres.jpeg=turbojpeg but libturbojpeg cannot be loaded: "
                            + TurboJpegDecoder.unavailableReason());
                }
                return new TurboJpegDecoder();
            case "auto":
                return TurboJpegDecoder.available() ? new TurboJpegDecoder() : new LeptonicaJpegDecoder();
            default:
                throw new IllegalStateException("lowres.jpeg must be auto, turbojpeg or leptonica: " + setting);
        }
    }

    /** A description of the backend {@link #create()} picks, for manifests and benchmarks. */
    static String describe() {
        String setting = setting();
        boolean turbo = setting.equals("turbojpeg") || (setting.equals("auto") && TurboJpegDecoder.available());
        return turbo ? TurboJpegDecoder.description() : LeptonicaJpegDecoder.description();
    }
}
