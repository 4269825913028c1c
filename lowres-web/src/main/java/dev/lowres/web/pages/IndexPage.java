package dev.lowres.web.pages;

import dev.lowres.web.catalog.Catalog;
import dev.lowres.web.http.Request;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The front page (what the root holds) and the static files (stylesheet and script). */
public final class IndexPage {
    private final RootedFiles files;
    private final byte[] css;
    private final byte[] js;

    public IndexPage(RootedFiles files) throws IOException {
        this.files = files;
        this.css = (dev.lowres.train.report.EvalReport.stylesheet() + "\n" + resource("app.css"))
                .getBytes(StandardCharsets.UTF_8);
        this.js = resource("app.js").getBytes(StandardCharsets.UTF_8);
    }

    public void routes(Router router) {
        router.get("/", this::index)
                .get("/static/app.css", r -> {
                    r.responseHeader("Cache-Control", "private, max-age=300");
                    r.send(200, "text/css; charset=utf-8", css);
                })
                .get("/static/app.js", r -> {
                    r.responseHeader("Cache-Control", "private, max-age=300");
                    r.send(200, "text/javascript; charset=utf-8", js);
                })
                .get("/api/catalog", r -> r.json(Catalog.scan(files.root()).entries()));
    }

    private void index(Request r) throws IOException {
        Catalog.Scan scan = Catalog.scan(files.root());
        r.html(Templates.render("index.jte", Map.of("root", files.root().toString(), "scan", scan)));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = IndexPage.class.getResourceAsStream("/dev/lowres/web/static/" + name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
