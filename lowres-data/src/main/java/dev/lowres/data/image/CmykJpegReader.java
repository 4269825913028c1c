package dev.lowres.data.image;

import dev.lowres.data.image.BadImageException.Reason;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Four-component (CMYK and YCCK) JPEGs, converted to RGB exactly as PIL does.
 *
 * <p>Leptonica cannot be used for these: its CMYK to RGB conversion truncates ({@code k * c / 255}) where
 * PIL rounds, and it reads CMYK files without an Adobe marker with the opposite polarity, so its pixels
 * differ from PIL's by 1 on about a quarter of the bytes (Adobe files) or by up to 255 (no Adobe marker).
 * Instead, {@code javax.imageio} reads the raster as stored (its IJG decoder also uses the islow IDCT and
 * fancy upsampling, so the samples equal libjpeg-turbo's), then this class does what libjpeg and PIL do:
 * YCCK to CMYK with libjpeg's fixed-point tables where libjpeg would (an Adobe marker whose transform is
 * not 0), then PIL 9.4's {@code cmyk2rgb} on Adobe-polarity (inverted) samples, which PIL assumes for
 * every CMYK JPEG: {@code r = k - round((255 - c) * k / 255)} with {@code c}, {@code k} as stored.
 *
 * <p>Always decodes at full size (ImageNet has only a handful of such files).
 */
final class CmykJpegReader {
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg's build_ycc_rgb_table (jdcolor.c)
        for (int i = 0, x = -128; i < 256; i++, x++) {
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private CmykJpegReader() {
    }

    static DecodedImage decode(byte[] data, int length, ImageHeader header, ImageDecoder.Buffers buffers)
            throws BadImageException {
        Raster raster = readRaster(data, length);
        int width = raster.getWidth();
        int height = raster.getHeight();
        if (raster.getNumBands() != 4 || width != header.width() || height != header.height()) {
            throw new BadImageException(Reason.CORRUPT, "corrupt JPEG: a " + header.width() + "x"
                    + header.height() + " 4-component frame decoded to " + width + "x" + height + " with "
                    + raster.getNumBands() + " bands");
        }
        boolean ycck = ycck(data, header.scanOffset());
        int[] out = buffers.get(width * height);
        int[] row = new int[4 * width];
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int c = row[4 * x];
                int m = row[4 * x + 1];
                int ye = row[4 * x + 2];
                int k = row[4 * x + 3];
                if (ycck) { // libjpeg's ycck_cmyk_convert: the first three samples are Y, Cb, Cr
                    int luma = c;
                    int cb = m;
                    int cr = ye;
                    c = clamp(255 - (luma + CR_R[cr]));
                    m = clamp(255 - (luma + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS)));
                    ye = clamp(255 - (luma + CB_B[cb]));
                }
                out[y * width + x] = DecodedImage.pack(toRgb(c, k), toRgb(m, k), toRgb(ye, k));
            }
        }
        return new DecodedImage(width, height, out);
    }

    /**
     * PIL's {@code cmyk2rgb} after its {@code CMYK;I} unpacker: with {@code C = 255 - c} and
     * {@code nk = 255 - (255 - k) = k}, {@code CLIP8(nk - MULDIV255(C, nk))}.
     */
    static int toRgb(int stored, int storedK) {
        int tmp = (255 - stored) * storedK + 128;
        return clamp(storedK - (((tmp >> 8) + tmp) >> 8));
    }

    /**
     * Whether libjpeg decodes the frame as YCCK: an Adobe APP14 segment before the first scan (the last
     * one counts) whose transform byte is not 0 (libjpeg's default_decompress_parms and examine_app14).
     */
    static boolean ycck(byte[] d, int scanOffset) {
        int transform = -1;
        int pos = 2;
        while (pos + 4 <= scanOffset) {
            if ((d[pos] & 0xFF) != 0xFF) {
                break;
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            int segment = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            if (marker == 0xEE && segment - 2 >= 12 && pos + 4 + 12 <= scanOffset
                    && d[pos + 4] == 'A' && d[pos + 5] == 'd' && d[pos + 6] == 'o' && d[pos + 7] == 'b'
                    && d[pos + 8] == 'e') {
                transform = d[pos + 4 + 11] & 0xFF;
            }
            pos += 2 + segment;
        }
        return transform > 0;
    }

    private static Raster readRaster(byte[] data, int length) throws BadImageException {
        ImageIO.setUseCache(false);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data, 0, length))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            if (!readers.hasNext()) {
                throw new BadImageException(Reason.UNSUPPORTED, "no javax.imageio JPEG reader for a CMYK JPEG");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return reader.readRaster(0, null); // the samples as stored: no colour conversion
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new BadImageException(Reason.CORRUPT, "corrupt CMYK JPEG: " + message, e);
        }
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
