package dev.lowres.train.explain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * An attribution map drawn over its image: the map scaled to [0, 1] between its minimum and its 99th percentile
 * (so that a few extreme gradients do not wash the rest out), coloured with an inferno-like ramp, and blended
 * 60/40 with the image; both upscaled by a whole number without smoothing.
 */
public final class Heatmap {
    private static final int[][] RAMP = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};

    private Heatmap() {
    }

    /** The map scaled to [0, 1] as described. */
    public static float[] normalised(float[] map) {
        float[] sorted = map.clone();
        Arrays.sort(sorted);
        float lo = sorted[0];
        float hi = sorted[(int) Math.min(sorted.length - 1, Math.floor(0.99 * (sorted.length - 1)))];
        if (!(hi > lo)) {
            hi = sorted[sorted.length - 1];
        }
        float[] out = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            out[i] = hi > lo ? Math.min(1f, Math.max(0f, (map[i] - lo) / (hi - lo))) : 0f;
        }
        return out;
    }

    /** The ramp's colour at {@code v} in [0, 1], as 0xRRGGBB. */
    public static int color(float v) {
        double f = Math.min(1, Math.max(0, v)) * (RAMP.length - 1);
        int i = Math.min(RAMP.length - 2, (int) f);
        double t = f - i;
        int r = (int) Math.round(RAMP[i][0] + t * (RAMP[i + 1][0] - RAMP[i][0]));
        int g = (int) Math.round(RAMP[i][1] + t * (RAMP[i + 1][1] - RAMP[i][1]));
        int b = (int) Math.round(RAMP[i][2] + t * (RAMP[i + 1][2] - RAMP[i][2]));
        return (r << 16) | (g << 8) | b;
    }

    /** The overlay of {@code map} on the planar image {@code chw}, {@code scale} times its size, as PNG bytes. */
    public static byte[] overlay(byte[] chw, int channels, int height, int width, float[] map, int scale) {
        float[] v = normalised(map);
        int n = height * width;
        BufferedImage out = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height * scale; y++) {
            for (int x = 0; x < width * scale; x++) {
                int p = (y / scale) * width + x / scale;
                int heat = color(v[p]);
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int image = chw[(channels == 3 ? c : 0) * n + p] & 0xFF;
                    int h = (heat >> (16 - 8 * c)) & 0xFF;
                    rgb |= (int) Math.round(0.4 * image + 0.6 * h) << (16 - 8 * c);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return png(out);
    }

    /** The image alone, {@code scale} times its size. */
    public static byte[] image(byte[] chw, int channels, int height, int width, int scale) {
        int n = height * width;
        BufferedImage out = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height * scale; y++) {
            for (int x = 0; x < width * scale; x++) {
                int p = (y / scale) * width + x / scale;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb |= (chw[(channels == 3 ? c : 0) * n + p] & 0xFF) << (16 - 8 * c);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return png(out);
    }

    /** Several PNG-ready images side by side with {@code gap} white pixels between them. */
    public static byte[] row(java.util.List<byte[]> pngs, int gap) {
        try {
            java.util.List<BufferedImage> images = new java.util.ArrayList<>();
            for (byte[] p : pngs) {
                images.add(ImageIO.read(new java.io.ByteArrayInputStream(p)));
            }
            int w = images.stream().mapToInt(BufferedImage::getWidth).sum() + gap * (images.size() - 1);
            int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
            BufferedImage out = new BufferedImage(Math.max(1, w), h, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = out.createGraphics();
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), h);
            int x = 0;
            for (BufferedImage i : images) {
                g.drawImage(i, x, 0, null);
                x += i.getWidth() + gap;
            }
            g.dispose();
            return png(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
