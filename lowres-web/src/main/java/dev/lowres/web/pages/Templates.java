package dev.lowres.web.pages;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The jte templates of {@code src/main/jte}, compiled to Java at build time (package
 * {@code dev.lowres.web.templates}) and escaped for HTML by default: a value shown with {@code ${...}} can never
 * open a tag; only the inline SVG charts, made by {@link dev.lowres.train.report.Svg} with every text escaped,
 * go in with {@code $unsafe}.
 */
public final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Templates.class.getClassLoader(), "dev.lowres.web.templates");

    private Templates() {
    }

    /** Renders {@code name} (e.g. {@code "dataset.jte"}) with its parameters by name. */
    public static String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, params, out);
        return out.toString();
    }

    /** Renders a template of one parameter. */
    public static String render(String name, Object model) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, model, out);
        return out.toString();
    }

    /** The error page. */
    public static String error(int status, String message) {
        return render("error.jte", Map.of("status", status, "message", message));
    }
}
