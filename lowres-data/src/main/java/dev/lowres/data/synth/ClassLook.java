package dev.lowres.data.synth;

import java.util.Locale;

/**
 * How the images of one class look: a shape, a hue and a texture. Class {@code k} of a tree gets shape
 * {@code k mod 10} and hue and texture offset so that the first ten classes differ in all three and
 * every class of the 1000 has its own combination; at 16x16 shape and hue carry the class, texture
 * only helps at larger sizes.
 *
 * @param shape the silhouette of the object
 * @param hue index into {@link #HUES} hues, 30 degrees apart
 * @param texture the pattern inside the object
 */
record ClassLook(Shape shape, int hue, Texture texture) {
    /** Number of hues. */
    static final int HUES = 12;

    /** The silhouette, in object coordinates u, v in [-1, 1], v pointing down. */
    enum Shape {
        CIRCLE, SQUARE, TRIANGLE, CROSS, RING, HORIZONTAL_STRIPES, VERTICAL_STRIPES, CHECKERBOARD, DIAMOND, STAR;

        boolean contains(double u, double v) {
            double au = Math.abs(u);
            double av = Math.abs(v);
            switch (this) {
                case CIRCLE:
                    return u * u + v * v <= 1;
                case SQUARE:
                    return au <= 0.82 && av <= 0.82;
                case TRIANGLE:
                    return v >= -0.95 && v <= 0.8 && au <= (v + 0.95) * (0.98 / 1.75);
                case CROSS:
                    return (au <= 0.3 && av <= 0.95) || (av <= 0.3 && au <= 0.95);
                case RING: {
                    double r2 = u * u + v * v;
                    return r2 <= 1 && r2 >= 0.36;
                }
                case HORIZONTAL_STRIPES:
                    return au <= 0.95 && av <= 0.95 && ((int) ((v + 0.95) / 0.38) & 1) == 0;
                case VERTICAL_STRIPES:
                    return au <= 0.95 && av <= 0.95 && ((int) ((u + 0.95) / 0.38) & 1) == 0;
                case CHECKERBOARD:
                    return au <= 0.9 && av <= 0.9 && ((((int) ((u + 0.9) / 0.6)) + ((int) ((v + 0.9) / 0.6))) & 1) == 0;
                case DIAMOND:
                    return au + av <= 1;
                case STAR: {
                    double r2 = u * u + v * v;
                    if (r2 > 1) {
                        return false;
                    }
                    double r = Math.sqrt(r2);
                    if (r < 1e-9) {
                        return true;
                    }
                    double c = -v / r; // cos of the angle from "up"
                    double c2 = c * c;
                    double cos5 = c * (16 * c2 * c2 - 20 * c2 + 5);
                    double f = (1 + cos5) / 2;
                    return r <= 0.38 + 0.62 * f * f;
                }
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /** A pattern inside the object: a brightness factor at object coordinates u, v. */
    enum Texture {
        SOLID, FINE_HORIZONTAL, FINE_VERTICAL, DIAGONAL, DOTS, CHECKS, RADIAL, SPECKLE, RINGS;

        /** Brightness factor, 0.55..1; {@code coin} is a uniform draw in [0, 1) for SPECKLE. */
        double factor(double u, double v, double coin) {
            switch (this) {
                case SOLID:
                    return 1;
                case FINE_HORIZONTAL:
                    return (((int) Math.floor((v + 1) * 4)) & 1) == 0 ? 1 : 0.6;
                case FINE_VERTICAL:
                    return (((int) Math.floor((u + 1) * 4)) & 1) == 0 ? 1 : 0.6;
                case DIAGONAL:
                    return (((int) Math.floor((u + v + 2) * 3)) & 1) == 0 ? 1 : 0.6;
                case DOTS: {
                    double fu = (u + 1) * 3 - Math.floor((u + 1) * 3) - 0.5;
                    double fv = (v + 1) * 3 - Math.floor((v + 1) * 3) - 0.5;
                    return fu * fu + fv * fv < 0.09 ? 0.55 : 1;
                }
                case CHECKS:
                    return ((((int) Math.floor((u + 1) * 4)) + ((int) Math.floor((v + 1) * 4))) & 1) == 0 ? 1 : 0.6;
                case RADIAL:
                    return 1 - 0.45 * Math.min(1, u * u + v * v);
                case SPECKLE:
                    return coin < 0.3 ? 0.55 : 1;
                case RINGS:
                    return (((int) (Math.sqrt(u * u + v * v) * 6)) & 1) == 0 ? 1 : 0.6;
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /**
     * The look of class {@code k} (0-based, sorted-wnid order). With S shapes, H hues and T textures,
     * {@code s = k mod S}, {@code q = k div S}, hue {@code (s + q) mod H}, texture {@code (q div H + s) mod T}:
     * a bijection from 0..S*H*T-1 (1080 classes) to combinations, since q is recovered from s, hue and texture.
     */
    static ClassLook of(int k) {
        Shape[] shapes = Shape.values();
        Texture[] textures = Texture.values();
        if (k < 0 || k >= shapes.length * HUES * textures.length) {
            throw new IllegalArgumentException("no look for class " + k);
        }
        int s = k % shapes.length;
        int q = k / shapes.length;
        return new ClassLook(shapes[s], (s + q) % HUES, textures[(q / HUES + s) % textures.length]);
    }

    /** The hue in degrees. */
    double hueDegrees() {
        return hue * (360.0 / HUES);
    }

    /** E.g. {@code circle, hue 30, dots}. */
    String describe() {
        return shape.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", hue " + (int) hueDegrees() + ", "
                + texture.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
