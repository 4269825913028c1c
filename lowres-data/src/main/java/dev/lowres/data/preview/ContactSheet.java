package dev.lowres.data.preview;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws a {@link Sheet} as a PNG: a title block, one header line over the columns, then one row per record
 * with its label lines at the left and its cells (planar uint8 images, upscaled by nearest neighbour so that
 * small images stay readable, each with an optional two-line caption), then a legend. The layout depends only
 * on the numbers of rows and columns, the image size and the scale ({@link Layout}), never on the text, so
 * that it is the same on every machine; long text is wrapped or cut to its fixed space.
 */
public final class ContactSheet {
    /** Width of the label column at the left, in pixels. */
    public static final int LABEL_WIDTH = 180;
    /** Space around and between cells. */
    public static final int GAP = 6;
    /** Height of a line of text. */
    public static final int LINE = 14;
    /** Lines of the title block (the title, then the spec wrapped to the rest). */
    public static final int TITLE_LINES = 4;
    /** Lines of the legend. */
    public static final int LEGEND_LINES = 4;
    /** Lines of a cell's caption, when the sheet has captions. */
    public static final int CAPTION_LINES = 2;
    private static final int CHAR_WIDTH = 6;

    private ContactSheet() {
    }

    /** One image and its caption (empty, or up to {@link #CAPTION_LINES} lines). */
    public record Cell(byte[] pixels, List<String> caption) {
    }

    /** One row: label lines at the left, then the cells. */
    public record Row(List<String> label, List<Cell> cells) {
    }

    /**
     * What to draw.
     *
     * @param title the first line of the title block
     * @param spec the augmentation spec, wrapped over the rest of the title block
     * @param headers one header per column
     * @param legend lines under the grid, wrapped to {@link #LEGEND_LINES}
     */
    public record Sheet(String title, String spec, List<String> headers, List<Row> rows, List<String> legend,
                        int channels, int height, int width) {
        boolean captioned() {
            return rows.stream().anyMatch(r -> r.cells().stream().anyMatch(c -> !c.caption().isEmpty()));
        }
    }

    /** Where everything goes; a function of the grid's shape only. */
    public record Layout(int rows, int columns, int imageHeight, int imageWidth, int scale, boolean captioned) {
        public int cellWidth() {
            return imageWidth * scale;
        }

        public int cellHeight() {
            return imageHeight * scale;
        }

        /** Vertical distance from one row to the next. */
        public int rowPitch() {
            return cellHeight() + (captioned ? CAPTION_LINES * LINE : 0) + GAP;
        }

        public int gridTop() {
            return GAP + (TITLE_LINES + 1) * LINE + GAP;
        }

        /** Left edge of column {@code column}'s image. */
        public int cellX(int column) {
            return LABEL_WIDTH + GAP + column * (cellWidth() + GAP);
        }

        /** Top edge of row {@code row}'s image. */
        public int cellY(int row) {
            return gridTop() + row * rowPitch();
        }

        public int width() {
            return Math.max(cellX(columns), LABEL_WIDTH + 400);
        }

        public int height() {
            return gridTop() + rows * rowPitch() + GAP + LEGEND_LINES * LINE + GAP;
        }
    }

    /** The upscaling that shows the sheet's images at about 96 px (3 at 32 px), at least 1. */
    public static int defaultScale(Sheet sheet) {
        return Math.max(1, Math.round(96f / Math.max(sheet.height(), sheet.width())));
    }

    /** The layout of a sheet at a scale. */
    public static Layout layout(Sheet sheet, int scale) {
        return new Layout(sheet.rows().size(), sheet.headers().size(), sheet.height(), sheet.width(), scale,
                sheet.captioned());
    }

    /** The sheet as PNG bytes. */
    public static byte[] png(Sheet sheet, int scale) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(sheet, scale), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Draws the sheet. */
    public static BufferedImage render(Sheet sheet, int scale) {
        Layout layout = layout(sheet, scale);
        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            Font bold = plain.deriveFont(Font.BOLD);
            int textWidth = layout.width() - 2 * GAP;
            g.setColor(Color.BLACK);
            g.setFont(bold);
            text(g, cut(sheet.title(), textWidth), GAP, GAP + LINE - 3);
            g.setFont(plain);
            List<String> spec = wrap("augment: " + sheet.spec(), textWidth, TITLE_LINES - 1);
            for (int i = 0; i < spec.size(); i++) {
                text(g, spec.get(i), GAP, GAP + (i + 2) * LINE - 3);
            }
            g.setColor(Color.DARK_GRAY);
            int headerY = layout.gridTop() - GAP - 3;
            for (int c = 0; c < sheet.headers().size(); c++) {
                text(g, cut(sheet.headers().get(c), layout.cellWidth() + GAP), layout.cellX(c), headerY);
            }
            for (int r = 0; r < sheet.rows().size(); r++) {
                Row row = sheet.rows().get(r);
                int y = layout.cellY(r);
                for (int i = 0; i < row.label().size(); i++) {
                    g.setFont(i == 0 ? bold : plain);
                    g.setColor(i == 0 ? Color.BLACK : Color.DARK_GRAY);
                    text(g, cut(row.label().get(i), LABEL_WIDTH - GAP), GAP, y + (i + 1) * LINE - 3);
                }
                g.setFont(plain);
                g.setColor(Color.DARK_GRAY);
                for (int c = 0; c < row.cells().size(); c++) {
                    Cell cell = row.cells().get(c);
                    int x = layout.cellX(c);
                    draw(image, cell.pixels(), sheet.channels(), sheet.height(), sheet.width(), x, y, scale);
                    for (int i = 0; i < Math.min(CAPTION_LINES, cell.caption().size()); i++) {
                        text(g, cut(cell.caption().get(i), layout.cellWidth() + GAP), x,
                                y + layout.cellHeight() + (i + 1) * LINE - 3);
                    }
                }
            }
            g.setColor(Color.DARK_GRAY);
            List<String> legend = new ArrayList<>();
            for (String line : sheet.legend()) {
                legend.addAll(wrap(line, textWidth, LEGEND_LINES));
            }
            int legendTop = layout.height() - GAP - LEGEND_LINES * LINE;
            for (int i = 0; i < Math.min(LEGEND_LINES, legend.size()); i++) {
                text(g, legend.get(i), GAP, legendTop + (i + 1) * LINE - 3);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void text(Graphics2D g, String s, int x, int y) {
        if (!s.isEmpty()) {
            g.drawString(s, x, y);
        }
    }

    /** Copies a planar image into the sheet, each pixel a scale x scale block. */
    private static void draw(BufferedImage sheet, byte[] pixels, int channels, int h, int w, int x0, int y0,
                             int scale) {
        int plane = h * w;
        int[] block = new int[scale * scale];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = pixels[i] & 0xFF;
                int g = channels >= 3 ? pixels[plane + i] & 0xFF : r;
                int b = channels >= 3 ? pixels[2 * plane + i] & 0xFF : r;
                java.util.Arrays.fill(block, (r << 16) | (g << 8) | b);
                sheet.setRGB(x0 + x * scale, y0 + y * scale, scale, scale, block, 0, scale);
            }
        }
    }

    /** Cuts a line to about {@code width} pixels of text. */
    static String cut(String s, int width) {
        int max = Math.max(1, width / CHAR_WIDTH);
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "\u2026";
    }

    /** Wraps text at spaces to lines of about {@code width} pixels, at most {@code lines} of them. */
    static List<String> wrap(String s, int width, int lines) {
        int max = Math.max(10, width / CHAR_WIDTH);
        List<String> out = new ArrayList<>();
        String rest = s;
        while (!rest.isEmpty() && out.size() < lines) {
            if (rest.length() <= max) {
                out.add(rest);
                rest = "";
                break;
            }
            int at = rest.lastIndexOf(' ', max);
            if (at <= 0) {
                at = max;
            }
            out.add(rest.substring(0, at));
            rest = rest.substring(at).trim();
        }
        if (!rest.isEmpty() && !out.isEmpty()) {
            out.set(out.size() - 1, cut(out.get(out.size() - 1) + " " + rest, width));
        }
        return out;
    }
}
