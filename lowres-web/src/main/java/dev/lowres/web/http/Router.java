package dev.lowres.web.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Routes requests by exact path and method to handlers, and owns what every response shares: the security
 * headers, the Host check (a page on another site that resolves its own name to 127.0.0.1, DNS rebinding, is
 * answered 421), the Origin check on writes (a form on another site cannot post here), and the error
 * responses (an {@link HttpError}'s status and message; anything else a 500 that says no more than that, its
 * stack trace to the server's log only).
 */
public final class Router implements HttpHandler {
    /** What a route does. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request) throws Exception;
    }

    private static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'";

    private final Map<String, Handler> get = new HashMap<>();
    private final Map<String, Handler> post = new HashMap<>();
    private final Set<String> hosts;
    private final BiFunction<Integer, String, String> errorPage;
    private final PrintStream log;

    /**
     * @param hosts the Host header values accepted (host:port), lower case
     * @param errorPage renders an error's status and message as an HTML page
     */
    public Router(Set<String> hosts, BiFunction<Integer, String, String> errorPage, PrintStream log) {
        this.hosts = hosts;
        this.errorPage = errorPage;
        this.log = log;
    }

    public Router get(String path, Handler handler) {
        get.put(path, handler);
        return this;
    }

    public Router post(String path, Handler handler) {
        post.put(path, handler);
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) {
        Request request = new Request(exchange);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        try {
            String host = request.header("Host");
            if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
                throw new HttpError(421, "this server answers to " + String.join(", ", hosts) + " only");
            }
            String method = request.method();
            Handler h = switch (method) {
                case "GET" -> get.get(request.path());
                case "POST" -> post.get(request.path());
                default -> throw new HttpError(405, "method " + method + " is not served");
            };
            if (h == null) {
                boolean other = (method.equals("POST") ? get : post).containsKey(request.path());
                throw other ? new HttpError(405, "method " + method + " is not served at " + request.path())
                        : HttpError.notFound("no page at " + request.path());
            }
            if (method.equals("POST")) {
                checkOrigin(request);
            }
            h.handle(request);
        } catch (HttpError e) {
            fail(request, e.status(), e.getMessage());
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            if (request.answered()) {
                exchange.close(); // the response had begun: most often the client went away while it was sent
                return;
            }
            log.println("lowres serve: " + request.method() + " " + exchange.getRequestURI() + " failed:");
            e.printStackTrace(log);
            if (e instanceof com.fasterxml.jackson.core.JacksonException) {
                fail(request, 422, "a file this page reads is not valid JSON (the server's log says which)");
            } else {
                fail(request, 500, "the server failed on this request (its log has the details)");
            }
        } finally {
            if (!request.answered()) {
                exchange.close();
            }
        }
    }

    private void checkOrigin(Request request) {
        String origin = request.header("Origin");
        if (origin != null) {
            String o = origin.toLowerCase(Locale.ROOT);
            boolean same = hosts.stream().anyMatch(h -> o.equals("http://" + h));
            if (!same) {
                throw HttpError.forbidden("a write from another origin (" + origin + ") is refused");
            }
        }
    }

    private void fail(Request request, int status, String message) {
        if (request.answered()) {
            request.exchange().close();
            return;
        }
        try {
            String accept = request.header("Accept");
            boolean html = accept != null && accept.contains("text/html");
            if (html) {
                request.send(status, "text/html; charset=utf-8",
                        errorPage.apply(status, message).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                request.json(status, Map.of("error", message, "status", status));
            }
        } catch (IOException | RuntimeException e) {
            request.exchange().close();
        }
    }
}
