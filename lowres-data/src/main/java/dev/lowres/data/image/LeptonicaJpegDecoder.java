package dev.lowres.data.image;

import static org.bytedeco.leptonica.global.leptonica.L_SEVERITY_NONE;
import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixGetData;
import static org.bytedeco.leptonica.global.leptonica.pixGetDepth;
import static org.bytedeco.leptonica.global.leptonica.pixGetHeight;
import static org.bytedeco.leptonica.global.leptonica.pixGetWidth;
import static org.bytedeco.leptonica.global.leptonica.pixGetWpl;
import static org.bytedeco.leptonica.global.leptonica.pixReadMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.setMsgSeverity;

import dev.lowres.data.image.BadImageException.Reason;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.leptonica.PIX;
import org.bytedeco.leptonica.global.leptonica;

/**
 * JPEG decoding with libjpeg-turbo, reached through leptonica's JavaCPP preset (which links libjpeg-turbo
 * with its SIMD code). Leptonica leaves libjpeg's defaults alone (islow IDCT, fancy upsampling) and ignores
 * EXIF orientation, so for grey and colour JPEGs the pixels equal PIL's {@code convert('RGB')}. Its CMYK to
 * RGB conversion differs from PIL's, so 4-component JPEGs go to {@link CmykJpegReader} instead.
 */
final class LeptonicaJpegDecoder implements JpegBackend {
    static {
        Loader.load(leptonica.class);
        setMsgSeverity(L_SEVERITY_NONE); // lowres reports failures itself
    }

    private BytePointer input = new BytePointer(0L);
    private long inputCapacity;
    private final IntPointer warnings = new IntPointer(1L);
    private byte[] greyRows = new byte[0];

    static String description() {
        return "libjpeg-turbo bundled in leptonica (JavaCPP)";
    }

    @Override
    public String name() {
        return "leptonica";
    }

    @Override
    public DecodedImage decode(byte[] data, int length, int reduction, ImageDecoder.Buffers buffers)
            throws BadImageException {
        if (inputCapacity < length) {
            input.close();
            inputCapacity = Math.max(length, inputCapacity * 2);
            input = new BytePointer(inputCapacity);
        }
        input.position(0).put(data, 0, length);
        PIX pix = pixReadMemJpeg(input, length, 0, reduction, warnings, 0);
        if (pix == null) {
            throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: libjpeg-turbo could not decode it");
        }
        try {
            int width = pixGetWidth(pix);
            int height = pixGetHeight(pix);
            int depth = pixGetDepth(pix);
            int wordsPerLine = pixGetWpl(pix);
            int[] pixels = buffers.get(width * height);
            IntPointer raster = pixGetData(pix);
            if (depth == 32) {
                if (wordsPerLine == width) {
                    raster.get(pixels, 0, width * height);
                } else {
                    for (int y = 0; y < height; y++) {
                        raster.position((long) y * wordsPerLine).get(pixels, y * width, width);
                    }
                }
            } else if (depth == 8) {
                int bytes = wordsPerLine * 4 * height;
                if (greyRows.length < bytes) {
                    greyRows = new byte[bytes];
                }
                new BytePointer(raster).capacity(bytes).get(greyRows, 0, bytes);
                int stride = wordsPerLine * 4;
                for (int y = 0; y < height; y++) {
                    int row = y * stride;
                    int out = y * width;
                    for (int x = 0; x < width; x++) {
                        // leptonica stores pixel 0 of each 32-bit word in its most significant byte
                        int v = greyRows[row + (x ^ 3)] & 0xFF;
                        pixels[out + x] = DecodedImage.pack(v, v, v);
                    }
                }
            } else {
                throw new BadImageException(Reason.UNSUPPORTED, "JPEG decoded to an unexpected depth " + depth);
            }
            return new DecodedImage(width, height, pixels);
        } finally {
            pixDestroy(pix);
        }
    }

    @Override
    public void close() {
        input.close();
        warnings.close();
    }
}
