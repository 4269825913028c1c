package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * GridMask (Chen, Liu, Wang &amp; Jia 2020, "GridMask Data Augmentation"), as the authors' ImageNet code
 * ({@code imagenet_grid/utils/grid.py}, run with {@code --d1 96 --d2 224 --ratio 0.6 --rotate 360 --mode 1
 * --prob 0.8}): with probability {@code p}, a grid of unit {@code d ~ randint(d_min, d_max)} (upper bound
 * exclusive, as numpy's) is laid over a square 1.5 times the image's side at a random offset in [0, d)
 * in each direction, rotated by {@code randint(rotate)} degrees about its centre (nearest, as PIL's
 * {@code rotate}), and cropped to the image's centre. In each unit the kept band is
 * {@code l = int(ratio * d + 0.5)} pixels wide along both axes and the remaining square of side {@code d - l}
 * is removed (the paper's keep ratio {@code 1 - (1 - ratio)^2}, 84% at 0.6). Removed pixels become the
 * channel mean, the zero of the normalised image that the authors' code multiplies by the mask.
 *
 * <p>The paper's ImageNet range d in [96, 224) at 224 px is scaled by size / 224 and rounded: [14, 32) at
 * 32 px, [7, 16) at 16 px, [27, 64) at 64 px. The authors also ramp p linearly from 0 to 0.8 over the first
 * 240 of 300 epochs; here p is constant (an op does not know the schedule).
 */
final class GridMask implements SampleOp {
    static final String HELP = "gridmask(d_min=round(96*size/224), d_max=size, ratio=0.6, rotate=360, p=0.8) "
            + " GridMask (Chen et al. 2020): remove squares of side d-l on a grid of unit d in [d_min, d_max) "
            + "(14..31 at 32 px), kept band l=round(ratio*d), random rotation in [0, rotate) degrees";

    private final int dMin;
    private final int dMax;
    private final double ratio;
    private final int rotate;
    private final double p;

    GridMask(int dMin, int dMax, double ratio, int rotate, double p) {
        this.dMin = dMin;
        this.dMax = dMax;
        this.ratio = ratio;
        this.rotate = rotate;
        this.p = p;
    }

    static GridMask of(OpCall call, Augmentations.Context context) {
        int size = Math.min(context.height(), context.width());
        int defaultMax = Math.max(3, size);
        int defaultMin = Math.min(defaultMax - 1, Math.max(2, (int) Math.round(96.0 * size / 224.0)));
        int limit = 2 * Math.max(context.height(), context.width());
        int dMin = call.integer("d_min", defaultMin, 2, limit);
        int dMax = call.integer("d_max", defaultMax, 3, limit + 1);
        double ratio = call.number("ratio", 0.6, 0, 1);
        int rotate = call.integer("rotate", 360, 1, 360);
        double p = call.number("p", 0.8, 0, 1);
        if (dMin >= dMax) {
            throw call.error("d_min (" + dMin + ") must be below d_max (" + dMax + "; d is drawn from [d_min, d_max))");
        }
        return new GridMask(dMin, dMax, ratio, rotate, p);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        if (random.nextDouble() > p) {
            return;
        }
        int height = image.height();
        int width = image.width();
        int hh = (int) (1.5 * height);
        int ww = (int) (1.5 * width);
        int d = dMin + random.nextInt(dMax - dMin);
        int l = (int) (d * ratio + 0.5);
        int startY = random.nextInt(d);
        int startX = random.nextInt(d);
        int angle = random.nextInt(rotate);
        if (l >= d) {
            return; // nothing removed
        }
        byte[] pixels = image.pixels();
        int plane = height * width;
        int channels = image.channels();
        // the image's pixel (x, y) sits at (x + ox, y + oy) in the mask
        int oy = (hh - height) / 2;
        int ox = (ww - width) / 2;
        // PIL's rotate: output pixel centre p maps to source R(p - c) + c, c the mask's centre
        double theta = Math.toRadians(angle);
        double cos = angle == 0 ? 1 : Math.cos(theta);
        double sin = angle == 0 ? 0 : Math.sin(theta);
        double cx = ww / 2.0;
        double cy = hh / 2.0;
        for (int y = 0; y < height; y++) {
            double py = y + oy + 0.5 - cy;
            for (int x = 0; x < width; x++) {
                int mx;
                int my;
                if (angle == 0) {
                    mx = x + ox;
                    my = y + oy;
                } else {
                    double px = x + ox + 0.5 - cx;
                    double sx = cos * px - sin * py + cx;
                    double sy = sin * px + cos * py + cy;
                    if (sx < 0 || sy < 0) {
                        continue; // outside the rotated mask: kept
                    }
                    mx = (int) sx;
                    my = (int) sy;
                    if (mx >= ww || my >= hh) {
                        continue;
                    }
                }
                if (Math.floorMod(my - startY, d) >= l && Math.floorMod(mx - startX, d) >= l) {
                    int i = y * width + x;
                    for (int c = 0; c < channels; c++) {
                        pixels[c * plane + i] = (byte) image.meanPixel(c);
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return Augmentations.describe("gridmask", "d_min", dMin, "d_max", dMax, "ratio", ratio, "rotate", rotate,
                "p", p);
    }
}
