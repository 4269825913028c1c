package dev.lowres.train.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Escaping, number formats, JSON look-ups and the page frame shared by the reports. */
final class Html {
    /** Shown where a number is missing. */
    static final String NONE = "—";

    static final String CSS = String.join("",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em auto;max-width:1140px;",
            "padding:0 16px;color:#222;line-height:1.4}",
            "h1{font-size:1.6em;margin:.2em 0 .4em}h2{font-size:1.25em;margin:1.8em 0 .5em;border-bottom:1px solid #ddd;",
            "padding-bottom:.2em}h3{font-size:1.02em;margin:1.2em 0 .4em}",
            "table{border-collapse:collapse;margin:.4em 0 1.2em;font-size:.9em}",
            "td,th{border:1px solid #d8d8d8;padding:3px 8px;text-align:left;vertical-align:top}",
            "th{background:#f3f3f3;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;",
            "white-space:nowrap}td.def{color:#555;font-size:.95em}",
            "code{background:#f4f4f4;padding:1px 4px;border-radius:3px;font-size:.92em}",
            ".muted{color:#777}.small{font-size:.85em}.skip{color:#8a5300;background:#fff7e6;border:1px solid #f0d9a8;",
            "padding:6px 10px;border-radius:4px;margin:.5em 0}",
            ".figs{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}",
            ".fig{margin:0}.fig figcaption{font-size:.85em;color:#555;max-width:560px;margin-top:2px}",
            "svg.chart{background:#fff;border:1px solid #e2e2e2;border-radius:3px;display:block}",
            ".scroll{overflow-x:auto}.side{display:flex;flex-wrap:wrap;gap:24px}",
            "img.px{image-rendering:pixelated;border:1px solid #ddd}",
            ".gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}",
            ".card{border:1px solid #ddd;border-radius:4px;padding:8px;font-size:.82em;background:#fcfcfc}",
            ".card img{display:block;width:100%;max-width:184px;height:auto;image-rendering:pixelated;",
            "border:1px solid #ccc;margin:0 auto 6px}",
            ".card .noimg{height:120px;display:flex;align-items:center;justify-content:center;background:#eee;",
            "color:#888;margin-bottom:6px}",
            ".card .truth{font-weight:600;margin:2px 0 4px}",
            ".card .key{font-size:.92em;word-break:break-all}",
            "tr.group th{background:#e9eef5;text-align:left}tr.first td{border-top:2px solid #bbb}table.wide td,table.wide th{white-space:nowrap}",
            ".p5{display:grid;grid-template-columns:minmax(0,1fr) 56px 42px;gap:1px 4px;align-items:center}",
            ".p5 .n{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
            ".p5 .b{height:8px;background:#eee;border-radius:2px}.p5 .b span{display:block;height:8px;",
            "border-radius:2px;background:#d62728}.p5 .b span.ok{background:#2ca02c}.p5 .b span.o{background:#9aa7b5}",
            ".p5 .v{text-align:right;font-variant-numeric:tabular-nums}",
            ".badge{display:inline-block;font-size:.85em;padding:0 5px;border-radius:3px;background:#e3f4e6;",
            "color:#16702e;border:1px solid #a8d8b2}",
            ".bar{display:inline-block;height:9px;background:#1f77b4;border-radius:2px;vertical-align:middle}");

    private Html() {
    }

    /** Text safe in XML/HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append('?'); // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    // ---- numbers ------------------------------------------------------------------------------------

    /** {@code v} rounded to {@code significant} digits, without trailing zeros or exponent: 0.8, 0.05, 1600. */
    static String compact(double v, int significant) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? NONE : v > 0 ? "∞" : "-∞";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(significant)).stripTrailingZeros();
        String s = d.toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** A fraction as a percentage with one decimal: "43.1%". */
    static String pct(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** A fraction as a percentage with two decimals, for small differences: "4.31%". */
    static String pct2(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    /** A count with thousands separators. */
    static String count(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    /** A number with {@code decimals} fixed decimals. */
    static String fixed(Double v, int decimals) {
        return v == null ? NONE : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
