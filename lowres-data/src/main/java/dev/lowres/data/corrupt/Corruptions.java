package dev.lowres.data.corrupt;

import dev.lowres.data.image.DecodedImage;
import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.image.Resampler;
import dev.lowres.data.load.Seeds;
import java.util.SplittableRandom;

/**
 * Applies one corruption of Hendrycks &amp; Dietterich (ICLR 2019) to one image, on the fly: the evaluator
 * calls it per record and never holds a corrupted copy of a dataset. The semantics are those of the
 * authors' {@code make_cifar_c.py} / {@code make_tinyimagenet_c.py}; the parameters are in
 * {@link ParameterTable} (chosen by image size, {@link ParameterTable#forSize}).
 *
 * <p>Images are planar uint8 {@code (C, H, W)} (R plane, G plane, B plane; or one grey plane). The
 * reference works on {@code x = image / 255.} in float64 and saves {@code np.uint8(clip(y, 0, 1) * 255)},
 * which truncates; lowres computes in double and truncates the same way. JPEG and pixelate work on the
 * 8-bit image directly, as the reference does with PIL.
 *
 * <ul>
 *   <li>{@code gaussian_noise}: {@code clip(x + N(0, c))}.</li>
 *   <li>{@code shot_noise}: {@code clip(Poisson(x * c) / c)}.</li>
 *   <li>{@code impulse_noise}: {@code skimage.util.random_noise(x, mode='s&p', amount=c)}: each value, each
 *       channel on its own, is replaced with probability {@code c}, by 1 or 0 with even odds
 *       ({@code salt_vs_pepper = 0.5}). This is skimage 0.14+'s per-value Bernoulli draw; older skimage
 *       picked exactly {@code ceil(c * size / 2)} coordinates of each kind, with replacement. Same expected
 *       damage.</li>
 *   <li>{@code speckle_noise}: {@code clip(x + x * N(0, c))}.</li>
 *   <li>{@code gaussian_blur}: {@code skimage.filters.gaussian(x, sigma=c, multichannel=True)}, i.e.
 *       scipy's {@code gaussian_filter} per channel, mode {@code 'nearest'}, truncate 4 ({@link GaussianFilter}).</li>
 *   <li>{@code contrast}: {@code (x - m) * c + m} with {@code m = np.mean(x, axis=(0, 1))} on the (H, W, C)
 *       array: one mean <em>per channel</em> over the image's pixels (not one over all channels).</li>
 *   <li>{@code brightness}: skimage {@code rgb2hsv}, {@code V = clip(V + c, 0, 1)}, {@code hsv2rgb}
 *       ({@link Hsv}); for one channel, where H = S = 0, that is exactly {@code clip(x + c)}.</li>
 *   <li>{@code jpeg_compression}: PIL {@code save('JPEG', quality=c)} and reopen ({@link JpegRoundTrip}).</li>
 *   <li>{@code pixelate}: PIL {@code resize((int(W * c), int(H * c)), BOX)} then {@code resize((W, H), BOX)},
 *       with lowres's PIL-identical {@link Resampler} (the reference resizes square images to
 *       {@code int(32 * c)}; for non-square images each side is scaled).</li>
 * </ul>
 *
 * <p>Randomness: one {@link SplittableRandom} per call, from {@link Seeds#random}{@code (seed, record,
 * severity, purpose)} with a purpose fixed per corruption id, so a call gives the same bytes in any thread,
 * in any order, and different records (or severities, corruptions) get independent noise. The reference
 * uses numpy's global generator; its noise is not reproduced value for value, only in distribution.
 *
 * <p>Checked against the reference: contrast, brightness, gaussian blur, JPEG and pixelate equal numpy / PIL
 * 9.4 / skimage 0.19 / scipy 1.10 bit for bit on the fixture photos at every severity
 * ({@code CorruptionsPythonReferenceTest}); the noises match their distributions ({@code CorruptionsTest}).
 *
 * <p>Thread-safe: the JPEG writer/decoder and the resampler are kept one per thread (a thread's JPEG decoder
 * holds a little native memory until the thread ends).
 */
public final class Corruptions {
    /** The high bits of every corruption's purpose ("CORR"), the id's hash in the low bits. */
    private static final long PURPOSE_TAG = 0x434F5252L << 32;

    private static final ThreadLocal<Resampler> RESAMPLER = ThreadLocal.withInitial(Resampler::new);
    private static final ThreadLocal<JpegRoundTrip> JPEG = ThreadLocal.withInitial(JpegRoundTrip::new);

    private Corruptions() {
    }

    /**
     * The corrupted image, with the parameter table for its size ({@link ParameterTable#forSize}).
     *
     * @param image    planar uint8 {@code (channels, height, width)}; not modified
     * @param channels 1 (grey) or 3 (RGB)
     * @param seed     the run's seed
     * @param record   the record's index in its split (any long that identifies the image)
     * @return a new array of the same layout
     * @throws IllegalArgumentException on a severity outside 1..5 or a bad geometry
     */
    public static byte[] apply(Corruption c, int severity, byte[] image, int channels, int height, int width,
                               long seed, long record) {
        return apply(c, severity, image, channels, height, width, seed, record,
                ParameterTable.forSize(height, width));
    }

    /** As {@link #apply(Corruption, int, byte[], int, int, int, long, long)}, with an explicit table. */
    public static byte[] apply(Corruption c, int severity, byte[] image, int channels, int height, int width,
                               long seed, long record, ParameterTable table) {
        checkSeverity(severity);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad image size " + height + "x" + width);
        }
        if (image.length != channels * height * width) {
            throw new IllegalArgumentException("image has " + image.length + " bytes, expected " + channels
                    + "x" + height + "x" + width + " = " + channels * height * width);
        }
        double p = table.parameter(c, severity);
        return switch (c) {
            case GAUSSIAN_NOISE -> gaussianNoise(image, p, random(c, severity, seed, record));
            case SHOT_NOISE -> shotNoise(image, p, random(c, severity, seed, record));
            case IMPULSE_NOISE -> impulseNoise(image, p, random(c, severity, seed, record));
            case SPECKLE_NOISE -> speckleNoise(image, p, random(c, severity, seed, record));
            case GAUSSIAN_BLUR -> gaussianBlur(image, channels, height, width, p);
            case CONTRAST -> contrast(image, channels, height * width, p);
            case BRIGHTNESS -> brightness(image, channels, height * width, p);
            case JPEG_COMPRESSION -> jpeg(image, channels, height, width, (int) p);
            case PIXELATE -> pixelate(image, channels, height, width, p);
        };
    }

    static void checkSeverity(int severity) {
        if (severity < 1 || severity > 5) {
            throw new IllegalArgumentException("severity must be 1..5: " + severity);
        }
    }

    /** The generator of one call: pure function of (seed, record, corruption, severity). */
    static SplittableRandom random(Corruption c, int severity, long seed, long record) {
        return Seeds.random(seed, record, severity, PURPOSE_TAG | (c.id().hashCode() & 0xFFFFFFFFL));
    }

    /** {@code np.uint8(clip(y, 0, 1) * 255)}: truncation, as the reference's {@code np.uint8}. */
    static byte toByte(double y) {
        double c = y < 0 ? 0 : (y > 1 ? 1 : y);
        return (byte) (int) (c * 255);
    }

    static double toUnit(byte b) {
        return (b & 0xFF) / 255.0;
    }

    private static byte[] gaussianNoise(byte[] image, double scale, SplittableRandom random) {
        Sampling s = new Sampling(random);
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            out[i] = toByte(toUnit(image[i]) + scale * s.normal());
        }
        return out;
    }

    private static byte[] shotNoise(byte[] image, double photons, SplittableRandom random) {
        Sampling s = new Sampling(random);
        Sampling.PoissonMean[] means = new Sampling.PoissonMean[256]; // one per input level, made on demand
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            int level = image[i] & 0xFF;
            Sampling.PoissonMean m = means[level];
            if (m == null) {
                m = means[level] = new Sampling.PoissonMean(toUnit(image[i]) * photons);
            }
            out[i] = toByte(s.poisson(m) / photons);
        }
        return out;
    }

    private static byte[] impulseNoise(byte[] image, double amount, SplittableRandom random) {
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            // two draws per value whatever the outcome, as skimage draws two full masks
            boolean flipped = random.nextDouble() < amount;
            boolean salted = random.nextDouble() < 0.5;
            out[i] = flipped ? (salted ? (byte) 255 : 0) : toByte(toUnit(image[i]));
        }
        return out;
    }

    private static byte[] speckleNoise(byte[] image, double scale, SplittableRandom random) {
        Sampling s = new Sampling(random);
        byte[] out = new byte[image.length];
        for (int i = 0; i < image.length; i++) {
            double x = toUnit(image[i]);
            out[i] = toByte(x + x * (scale * s.normal()));
        }
        return out;
    }

    private static byte[] gaussianBlur(byte[] image, int channels, int height, int width, double sigma) {
        double[] k = GaussianFilter.kernel(sigma);
        double[] x = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            x[i] = toUnit(image[i]);
        }
        double[] tmp = new double[Math.max(height, width) + 2 * (k.length - 1)];
        int plane = height * width;
        for (int ch = 0; ch < channels; ch++) {
            GaussianFilter.filter(x, ch * plane, height, width, k, tmp);
        }
        byte[] out = new byte[image.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = toByte(x[i]);
        }
        return out;
    }

    private static byte[] contrast(byte[] image, int channels, int plane, double factor) {
        byte[] out = new byte[image.length];
        for (int ch = 0; ch < channels; ch++) {
            int base = ch * plane;
            double sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += toUnit(image[base + i]);
            }
            double mean = sum / plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = toByte((toUnit(image[base + i]) - mean) * factor + mean);
            }
        }
        return out;
    }

    private static byte[] brightness(byte[] image, int channels, int plane, double shift) {
        byte[] out = new byte[image.length];
        if (channels == 1) {
            for (int i = 0; i < plane; i++) {
                out[i] = toByte(toUnit(image[i]) + shift);
            }
            return out;
        }
        double[] hsv = new double[3];
        double[] rgb = new double[3];
        for (int i = 0; i < plane; i++) {
            Hsv.fromRgb(toUnit(image[i]), toUnit(image[plane + i]), toUnit(image[2 * plane + i]), hsv);
            double v = Math.min(1, Math.max(0, hsv[2] + shift));
            Hsv.toRgb(hsv[0], hsv[1], v, rgb);
            out[i] = toByte(rgb[0]);
            out[plane + i] = toByte(rgb[1]);
            out[2 * plane + i] = toByte(rgb[2]);
        }
        return out;
    }

    private static byte[] jpeg(byte[] image, int channels, int height, int width, int quality) {
        byte[] out = new byte[image.length];
        JPEG.get().roundTrip(image, channels, height, width, quality, out);
        return out;
    }

    private static byte[] pixelate(byte[] image, int channels, int height, int width, double factor) {
        // Python's int(32 * c): truncation of the double product
        int smallW = Math.max(1, (int) (width * factor));
        int smallH = Math.max(1, (int) (height * factor));
        int plane = height * width;
        int[] px = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = image[i] & 0xFF;
            px[i] = channels == 1 ? DecodedImage.pack(r, r, r)
                    : DecodedImage.pack(r, image[plane + i] & 0xFF, image[2 * plane + i] & 0xFF);
        }
        Resampler resampler = RESAMPLER.get();
        int smallPlane = smallW * smallH;
        byte[] small = new byte[3 * smallPlane];
        resampler.resize(new DecodedImage(width, height, px), smallW, smallH, ResampleFilter.BOX, small, 0);
        int[] smallPx = new int[smallPlane];
        for (int i = 0; i < smallPlane; i++) {
            smallPx[i] = DecodedImage.pack(small[i] & 0xFF, small[smallPlane + i] & 0xFF,
                    small[2 * smallPlane + i] & 0xFF);
        }
        byte[] big = new byte[3 * plane];
        resampler.resize(new DecodedImage(smallW, smallH, smallPx), width, height, ResampleFilter.BOX, big, 0);
        if (channels == 3) {
            return big;
        }
        byte[] out = new byte[plane];
        System.arraycopy(big, 0, out, 0, plane);
        return out;
    }
}
