package dev.lowres.train.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small builder of one inline SVG chart: a plot area with linear x and y scales, axes with ticks and
 * grid lines, and lines, bars (rectangles), points and text placed in data coordinates. The output is
 * well-formed XML (the {@code xmlns} is set, all text escaped), so a report stays one self-contained file.
 *
 * <pre>{@code
 * Svg s = new Svg(520, 300, "loss by epoch").margins(56, 16, 28, 44).domain(0, 40, 0, 7);
 * s.xAxis(Svg.ticks(0, 40, 8), Svg::integer, "epoch").yAxis(Svg.ticks(0, 7, 6), Svg::plain, "loss");
 * s.line(xs, ys, Svg.color(0), 2, null, "train");
 * String markup = s.toString();
 * }</pre>
 */
public final class Svg {
    /** Distinct colours (Tableau 10, then their light variants), chosen by index with {@link #color(int)}. */
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
        "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"};
    /** Dash patterns that tell apart lines of the same colour, in step with the palette's cycles. */
    private static final String[] DASHES = {null, "6 3", "2 2", "8 3 2 3"};

    private final int width;
    private final int height;
    private final String label;
    private int left = 56;
    private int right = 16;
    private int top = 30;
    private int bottom = 44;
    private double x0 = 0;
    private double x1 = 1;
    private double y0 = 0;
    private double y1 = 1;
    private final StringBuilder grid = new StringBuilder();
    private final StringBuilder body = new StringBuilder();

    /** A chart of {@code width x height} pixels; {@code label} is its accessible name. */
    public Svg(int width, int height, String label) {
        this.width = width;
        this.height = height;
        this.label = label;
    }

    /** Pixels between the plot area and the edges (room for tick labels, axis titles, a legend). */
    public Svg margins(int left, int right, int top, int bottom) {
        this.left = left;
        this.right = right;
        this.top = top;
        this.bottom = bottom;
        return this;
    }

    /** The data ranges mapped onto the plot area. */
    public Svg domain(double x0, double x1, double y0, double y1) {
        this.x0 = x0;
        this.x1 = x1 == x0 ? x0 + 1 : x1;
        this.y0 = y0;
        this.y1 = y1 == y0 ? y0 + 1 : y1;
        return this;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The pixel column of data x. */
    public double px(double x) {
        return left + (x - x0) / (x1 - x0) * (width - left - right);
    }

    /** The pixel row of data y. */
    public double py(double y) {
        return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom);
    }

    /** The plot area's left, top, right and bottom edges in pixels. */
    public double[] area() {
        return new double[] {left, top, width - right, height - bottom};
    }

    /** A title in the top margin (at y = 18; a {@link #legendRow} fits under it at y = 38 when the top margin is 50). */
    public Svg title(String text) {
        body.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"600\" "
                + "fill=\"#222\">%s</text>", left, Html.esc(text)));
        return this;
    }

    /** The x axis: a baseline, ticks with labels, vertical grid lines and a title under the labels. */
    public Svg xAxis(double[] ticks, DoubleFunction<String> format, String title) {
        double yb = height - bottom;
        grid.append(line(left, yb, width - right, yb, "#888", 1));
        for (double t : ticks) {
            if (t < Math.min(x0, x1) - 1e-12 || t > Math.max(x0, x1) + 1e-12) {
                continue;
            }
            double x = px(t);
            grid.append(line(x, top, x, yb, "#eee", 1)).append(line(x, yb, x, yb + 4, "#888", 1));
            grid.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555\" "
                    + "text-anchor=\"middle\">%s</text>", x, yb + 16, Html.esc(format.apply(t))));
        }
        if (title != null) {
            grid.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#333\" "
                    + "text-anchor=\"middle\">%s</text>", (left + width - right) / 2.0, height - 8, Html.esc(title)));
        }
        return this;
    }

    /** The y axis: a baseline, ticks with labels, horizontal grid lines and a rotated title. */
    public Svg yAxis(double[] ticks, DoubleFunction<String> format, String title) {
        grid.append(line(left, top, left, height - bottom, "#888", 1));
        for (double t : ticks) {
            if (t < Math.min(y0, y1) - 1e-12 || t > Math.max(y0, y1) + 1e-12) {
                continue;
            }
            double y = py(t);
            grid.append(line(left, y, width - right, y, "#eee", 1)).append(line(left - 4, y, left, y, "#888", 1));
            grid.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\" "
                    + "text-anchor=\"end\">%s</text>", left - 7, y + 4, Html.esc(format.apply(t))));
        }
        if (title != null) {
            double cy = (top + height - bottom) / 2.0;
            grid.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" "
                    + "text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">%s</text>", cy, cy, Html.esc(title)));
        }
        return this;
    }

    /**
     * A line through the points in order; NaN values break it into pieces, and a piece of one point is
     * drawn as a dot. {@code dash} is an SVG dash array or null; {@code tooltip} may be null.
     */
    public Svg line(double[] xs, double[] ys, String color, double strokeWidth, String dash, String tooltip) {
        StringBuilder pts = new StringBuilder();
        int n = 0;
        double lastX = 0;
        double lastY = 0;
        for (int i = 0; i <= xs.length; i++) {
            boolean ok = i < xs.length && Double.isFinite(xs[i]) && Double.isFinite(ys[i]);
            if (ok) {
                lastX = px(xs[i]);
                lastY = py(ys[i]);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", lastX, lastY));
                n++;
                continue;
            }
            if (n == 1) {
                body.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\">%s"
                        + "</circle>", lastX, lastY, Math.max(2, strokeWidth + 1), color, tip(tooltip)));
            } else if (n > 1) {
                body.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"")
                        .append(fmt(strokeWidth)).append('"').append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"")
                        .append(" stroke-linejoin=\"round\" points=\"").append(pts.toString().trim()).append("\">")
                        .append(tip(tooltip)).append("</polyline>");
            }
            pts.setLength(0);
            n = 0;
        }
        return this;
    }

    /** A straight segment between two data points. */
    public Svg segment(double xa, double ya, double xb, double yb, String color, double strokeWidth, String dash) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%s\"%s/>", px(xa), py(ya), px(xb), py(yb), color, fmt(strokeWidth),
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        return this;
    }

    /** A filled rectangle between two data corners (a bar: {@code rect(x, 0, x + w, value, ...)}). */
    public Svg rect(double xa, double ya, double xb, double yb, String fill, String tooltip) {
        double l = Math.min(px(xa), px(xb));
        double r = Math.max(px(xa), px(xb));
        double t = Math.min(py(ya), py(yb));
        double b = Math.max(py(ya), py(yb));
        body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"%s\">%s</rect>", l, t, Math.max(0.5, r - l), Math.max(0, b - t), fill, tip(tooltip)));
        return this;
    }

    /** An area under a line, down to data y {@code base}. */
    public Svg area(double[] xs, double[] ys, double base, String fill) {
        if (xs.length == 0) {
            return this;
        }
        StringBuilder pts = new StringBuilder();
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(xs[0]), py(base)));
        for (int i = 0; i < xs.length; i++) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(xs[i]), py(ys[i])));
        }
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f", px(xs[xs.length - 1]), py(base)));
        body.append("<polygon fill=\"").append(fill).append("\" stroke=\"none\" points=\"").append(pts).append("\"/>");
        return this;
    }

    /** Points (circles) at the data positions, each with its own tooltip; {@code cssClass} may be null. */
    public Svg points(double[] xs, double[] ys, double radius, String color, String[] tooltips, String cssClass) {
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                continue;
            }
            body.append(String.format(Locale.ROOT, "<circle%s cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" "
                    + "fill-opacity=\"0.85\" stroke=\"#fff\" stroke-width=\"1\">%s</circle>",
                    cssClass == null ? "" : " class=\"" + cssClass + "\"", px(xs[i]), py(ys[i]), fmt(radius), color,
                    tip(tooltips == null ? null : tooltips[i])));
        }
        return this;
    }

    /** Many small dots in one compact path (for hundreds of points without tooltips). */
    public Svg dots(double[] xs, double[] ys, double radius, String color) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                d.append(String.format(Locale.ROOT, "M%.1f %.1fh0", px(xs[i]), py(ys[i])));
            }
        }
        if (d.length() > 0) {
            body.append("<path fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"")
                    .append(fmt(2 * radius)).append("\" stroke-linecap=\"round\" d=\"").append(d).append("\"/>");
        }
        return this;
    }

    /** Text at a data position; {@code anchor} is start, middle or end. */
    public Svg text(double x, double y, String text, String anchor, int size, String color) {
        return textPx(px(x), py(y), text, anchor, size, color);
    }

    /** Text at a pixel position, with a white halo so that it stays readable over lines. */
    public Svg textPx(double x, double y, String text, String anchor, int size, String color) {
        body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\" "
                + "text-anchor=\"%s\" stroke=\"#fff\" stroke-width=\"3\" stroke-opacity=\"0.85\" "
                + "paint-order=\"stroke\">%s</text>", x, y, size, color, anchor, Html.esc(text)));
        return this;
    }

    /** Text at a pixel position, rotated by {@code degrees} about that position. */
    public Svg textRotated(double x, double y, String text, double degrees, String anchor, int size, String color) {
        body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\" "
                + "text-anchor=\"%s\" transform=\"rotate(%s %.1f %.1f)\">%s</text>", x, y, size, color, anchor,
                fmt(degrees), x, y, Html.esc(text)));
        return this;
    }

    /** One legend entry. {@code dash} null draws a solid line; {@code dot} true draws a dot instead. */
    public record Key(String text, String color, String dash, boolean dot) {
        public static Key line(String text, String color) {
            return new Key(text, color, null, false);
        }

        public static Key dashed(String text, String color, String dash) {
            return new Key(text, color, dash, false);
        }

        public static Key dot(String text, String color) {
            return new Key(text, color, null, true);
        }
    }

    /** A legend: one entry a row, from pixel position ({@code x}, {@code y}) downwards. */
    public Svg legend(List<Key> keys, double x, double y) {
        double row = y;
        for (Key k : keys) {
            if (k.dot()) {
                body.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>",
                        x + 9, row - 4, k.color()));
            } else {
                body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"%s\" stroke-width=\"2.5\"%s/>", x, row - 4, x + 18, row - 4, k.color(),
                        k.dash() == null ? "" : " stroke-dasharray=\"" + k.dash() + "\""));
            }
            textPx(x + 24, row, k.text(), "start", 11, "#333");
            row += 16;
        }
        return this;
    }

    /**
     * A legend in one row from pixel position ({@code x}, {@code y}) rightwards, wrapping onto a new row
     * at the chart's right edge. Returns the y of the last row.
     */
    public double legendRow(List<Key> keys, double x, double y) {
        double cx = x;
        double row = y;
        for (Key k : keys) {
            double w = 30 + 6.2 * k.text().length();
            if (cx > x && cx + w > width - 4) {
                cx = x;
                row += 16;
            }
            legend(List.of(k), cx, row);
            cx += w + 10;
        }
        return row;
    }

    /** The chart as one {@code <svg>} element. */
    @Override
    public String toString() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" role=\"img\" aria-label=\"" + Html.esc(label)
                + "\" font-family=\"system-ui, sans-serif\" class=\"chart\">" + grid + body + "</svg>";
    }

    // ---- scales and formats -------------------------------------------------------------------------

    /** The {@code i}-th palette colour (cycling). */
    public static String color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** A dash pattern for the {@code i}-th series, changing once per palette cycle of 10. */
    public static String dash(int i) {
        return DASHES[Math.floorMod(i / 10, DASHES.length)];
    }

    /** About {@code count} round tick values (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]. */
    public static double[] ticks(double lo, double hi, int count) {
        if (!(hi > lo)) {
            return new double[] {lo};
        }
        double step = niceStep((hi - lo) / Math.max(1, count));
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] t = new double[Math.max(0, n)];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.round((first + i * step) / step) * step;
        }
        return t;
    }

    /** The round number at or above a raw step. */
    public static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * p;
    }

    /** [lo, hi] widened outwards to multiples of a round step (about {@code count} steps). */
    public static double[] niceRange(double lo, double hi, int count) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, count));
        return new double[] {Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step};
    }

    /** A fraction as a percentage without needless decimals: 0.25 as "25%", 0.125 as "12.5%". */
    public static String percent(double v) {
        return Html.compact(100 * v, 3) + "%";
    }

    /** A number in its shortest round form. */
    public static String plain(double v) {
        return Html.compact(v, 4);
    }

    /** A whole number. */
    public static String integer(double v) {
        return String.valueOf(Math.round(v));
    }

    private static String tip(String tooltip) {
        return tooltip == null ? "" : "<title>" + Html.esc(tooltip) + "</title>";
    }

    private static String line(double xa, double ya, double xb, double yb, String color, double w) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%s\"/>", xa, ya, xb, yb, color, fmt(w));
    }

    private static String fmt(double v) {
        return Html.compact(v, 3);
    }
}
