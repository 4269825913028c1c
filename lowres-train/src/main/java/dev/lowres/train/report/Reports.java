package dev.lowres.train.report;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The reports' templates ({@code src/main/jte}, compiled to Java at build time into
 * {@code dev.lowres.train.report.templates}, HTML-escaped by default: a value written with {@code ${...}} can never
 * open a tag; only the inline SVG charts, built by {@link Svg} with every text escaped, go in with
 * {@code $unsafe}). {@code document.jte} makes a self-contained file of a report (its stylesheet inline); the
 * workbench shows the same sections inside its own pages.
 */
public final class Reports {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Reports.class.getClassLoader(), "dev.lowres.train.report.templates");

    private Reports() {
    }

    /** A PNG as a {@code data:} URI, the way the reports and pages embed their images. */
    public static String pngDataUri(byte[] png) {
        return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png);
    }

    /** Renders {@code name} (e.g. {@code "demo.jte"}) with its one parameter. */
    public static String render(String name, Object model) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, model, out);
        return out.toString();
    }

    /** Renders {@code name} with its parameters by name. */
    public static String render(String name, java.util.Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, params, out);
        return out.toString();
    }
}
