package dev.lowres.train.eval;

import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.DatasetException;
import dev.lowres.train.eval.result.EvalMetrics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** The report's pictures of mistakes: each record's stored image, upscaled by pixel repetition, as PNG. */
public final class Gallery {
    private Gallery() {
    }

    /**
     * @param mistakes the gallery of a metrics.json
     * @param minSide the upscaled image's side at least (the scale is a whole number)
     */
    public static Map<Integer, byte[]> pngs(Path data, String split, List<EvalMetrics.Mistake> mistakes, int minSide)
            throws IOException, DatasetException {
        Map<Integer, byte[]> pngs = new LinkedHashMap<>();
        if (mistakes == null || mistakes.isEmpty()) {
            return pngs;
        }
        SplitView view = SplitView.open(data, split, false);
        int c = view.shape().channels();
        int h = view.shape().height();
        int w = view.shape().width();
        int scale = Math.max(1, (minSide + Math.max(h, w) - 1) / Math.max(h, w));
        byte[] image = new byte[view.shape().bytesPerImage()];
        for (EvalMetrics.Mistake m : mistakes) {
            int index = m.index();
            view.read(index, image, 0);
            BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h * scale; y++) {
                for (int x = 0; x < w * scale; x++) {
                    int p = (y / scale) * w + x / scale;
                    int r = image[p] & 0xFF;
                    int g = c == 3 ? image[h * w + p] & 0xFF : r;
                    int b = c == 3 ? image[2 * h * w + p] & 0xFF : r;
                    out.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(out, "png", bytes);
            pngs.put(index, bytes.toByteArray());
        }
        return pngs;
    }
}
