package dev.lowres.data.load;

import java.util.SplittableRandom;

/**
 * Pad-and-random-crop: pad by {@code pad} pixels on every side, crop back to the original size at a
 * uniformly random offset (a shift by dy, dx in [-pad, pad]). The downsampled-ImageNet paper (Chrabaszcz
 * et al. 2017, after Zagoruyko & Komodakis' WRN code) pads by 4 px with zeros after mean subtraction:
 * {@code fill=mean} (default); {@code fill=black} pads black pixels as torchvision's RandomCrop does.
 * Only the view changes: pixels move once, when the record is written into the batch.
 */
final class PadCrop implements SampleOp {
    static final String HELP = "pad-crop(pad=4, fill=mean|black)  pad by pad px, crop back at a random "
            + "offset; the paper's crop (Chrabaszcz et al. 2017), fill=mean is its zero after mean subtraction";

    private final int pad;
    private final SampleImage.Fill fill;

    PadCrop(int pad, SampleImage.Fill fill) {
        this.pad = pad;
        this.fill = fill;
    }

    static PadCrop of(OpCall call, Augmentations.Context context) {
        int pad = call.integer("pad", 4, 0, Math.max(context.height(), context.width()));
        String fill = call.choice("fill", "mean", "black");
        return new PadCrop(pad, fill.equals("mean") ? SampleImage.Fill.MEAN : SampleImage.Fill.BLACK);
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
        int dy = random.nextInt(2 * pad + 1) - pad;
        int dx = random.nextInt(2 * pad + 1) - pad;
        image.shift(dy, dx, fill);
    }

    @Override
    public String describe() {
        return Augmentations.describe("pad-crop", "pad", pad, "fill", fill.name().toLowerCase(java.util.Locale.ROOT));
    }
}
