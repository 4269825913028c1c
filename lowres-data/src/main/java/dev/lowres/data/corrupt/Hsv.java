package dev.lowres.data.corrupt;

/**
 * RGB &lt;-&gt; HSV on doubles in [0, 1], as {@code skimage.color.rgb2hsv} and {@code hsv2rgb} compute them
 * (the reference's brightness uses both): V = max, S = (max - min) / max (0 where max = min), H from the
 * channel that holds the max (blue over green over red on ties, as skimage's successive masks overwrite),
 * divided by 6 and taken modulo 1 (Python's sign), 0 where max = min. The inverse picks the sector
 * {@code floor(6H) mod 6} with skimage's p, q, t.
 */
final class Hsv {
    private Hsv() {
    }

    /** Writes {@code h, s, v} into {@code out[0..2]}. */
    static void fromRgb(double r, double g, double b, double[] out) {
        double v = Math.max(r, Math.max(g, b));
        double delta = v - Math.min(r, Math.min(g, b));
        double s = delta == 0 ? 0 : delta / v;
        double h = 0;
        if (delta != 0) {
            if (b == v) {
                h = 4 + (r - g) / delta;
            } else if (g == v) {
                h = 2 + (b - r) / delta;
            } else {
                h = (g - b) / delta;
            }
            h = pyMod1(h / 6);
        }
        out[0] = h;
        out[1] = s;
        out[2] = v;
    }

    /** Writes {@code r, g, b} into {@code out[0..2]}. */
    static void toRgb(double h, double s, double v, double[] out) {
        double hi = Math.floor(h * 6);
        double f = h * 6 - hi;
        double p = v * (1 - s);
        double q = v * (1 - f * s);
        double t = v * (1 - (1 - f) * s);
        int sector = Math.floorMod((int) hi, 6);
        switch (sector) {
            case 0 -> set(out, v, t, p);
            case 1 -> set(out, q, v, p);
            case 2 -> set(out, p, v, t);
            case 3 -> set(out, p, q, v);
            case 4 -> set(out, t, p, v);
            default -> set(out, v, p, q);
        }
    }

    /** {@code x % 1.0} with Python's (numpy's) sign convention: the result is in [0, 1). */
    private static double pyMod1(double x) {
        double m = x % 1.0;
        return m < 0 ? m + 1.0 : m;
    }

    private static void set(double[] out, double a, double b, double c) {
        out[0] = a;
        out[1] = b;
        out[2] = c;
    }
}
