package dev.lowres.cli.demo;

import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** A PNG grid of records: one row per class with its name, the first few records of the class, upscaled. */
public final class ContactSheet {
    private ContactSheet() {
    }

    /**
     * Draws the first {@code perClass} records of each class of a split.
     *
     * @param scale upscaling factor (nearest neighbour, so pixels stay visible)
     * @return PNG bytes
     */
    public static byte[] png(Dataset dataset, String split, int perClass, int scale) throws IOException, DatasetException {
        Manifest m = dataset.manifest();
        int classes = m.classes().size();
        int h = m.image().height();
        int w = m.image().width();
        int per = m.image().bytesPerImage();
        List<List<byte[]>> samples = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            samples.add(new ArrayList<>());
        }
        for (Manifest.Shard shard : dataset.split(split).shards()) {
            ByteBuffer images = dataset.mapImages(shard);
            short[] labels = dataset.labels(shard);
            for (int i = 0; i < labels.length; i++) {
                List<byte[]> list = samples.get(labels[i]);
                if (list.size() < perClass) {
                    byte[] record = new byte[per];
                    images.get(i * per, record);
                    list.add(record);
                }
            }
        }
        int label = 190;
        int cell = w * scale + 4;
        int row = h * scale + 4;
        BufferedImage sheet = new BufferedImage(label + perClass * cell, classes * row, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < classes; c++) {
            g.setColor(Color.DARK_GRAY);
            String name = m.classes().get(c).name();
            g.drawString(c + "  " + (name.length() > 24 ? name.substring(0, 24) : name), 6, c * row + row / 2 + 4);
            int col = 0;
            for (byte[] record : samples.get(c)) {
                int x0 = label + col * cell + 2;
                int y0 = c * row + 2;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int r = record[y * w + x] & 0xFF;
                        int gr = m.image().channels() == 3 ? record[h * w + y * w + x] & 0xFF : r;
                        int b = m.image().channels() == 3 ? record[2 * h * w + y * w + x] & 0xFF : r;
                        g.setColor(new Color(r, gr, b));
                        g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
                    }
                }
                col++;
            }
        }
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(sheet, "png", png);
        return png.toByteArray();
    }
}
