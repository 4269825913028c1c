package dev.lowres.web.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request and its response: query parameters, a bounded body, and the ways of answering. */
public final class Request {
    /** Bodies up to this many times their limit are read and dropped before the 413 is sent. */
    public static final long DRAIN_FACTOR = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final Map<String, List<String>> query;
    private boolean answered;

    Request(HttpExchange exchange) {
        this.exchange = exchange;
        this.query = parse(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of a query parameter, in order. */
    public List<String> queries(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A query parameter that must be there. */
    public String required(String name) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            throw HttpError.badRequest("missing query parameter '" + name + "'");
        }
        return v;
    }

    /** An integer query parameter within [min, max], or {@code fallback} when absent or empty. */
    public int integer(String name, int fallback, int min, int max) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw HttpError.badRequest("'" + name + "' must be in " + min + ".." + max + ", not " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("'" + name + "' must be an integer");
        }
    }

    /** A number query parameter within [min, max], or {@code fallback} when absent or empty. */
    public double number(String name, double fallback, double min, double max) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= min && d <= max)) {
                throw HttpError.badRequest("'" + name + "' must be in " + min + ".." + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("'" + name + "' must be a number");
        }
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The request body, refused with 413 past {@code maxBytes}. A body up to {@value #DRAIN_FACTOR} times the limit
     * is read to its end and dropped first, so that the client, still sending, gets the 413 rather than a closed
     * connection; a larger one is refused at once (the connection closes under it).
     */
    public byte[] body(long maxBytes) throws IOException {
        String length = header("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("a Content-Length that is not a number");
            }
        }
        HttpError tooLarge = new HttpError(413, "the body is over the limit of " + maxBytes + " bytes");
        try (InputStream in = exchange.getRequestBody()) {
            if (declared > maxBytes) {
                if (declared <= DRAIN_FACTOR * maxBytes) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                throw tooLarge;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            long total = 0;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > DRAIN_FACTOR * maxBytes) {
                    throw tooLarge;
                }
                if (total <= maxBytes) {
                    out.write(buf, 0, n);
                }
            }
            if (total > maxBytes) {
                throw tooLarge;
            }
            return out.toByteArray();
        }
    }

    public void html(String page) throws IOException {
        send(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    public void json(Object value) throws IOException {
        json(200, value);
    }

    public void json(int status, Object value) throws IOException {
        send(status, "application/json", JSON.writeValueAsBytes(value));
    }

    public void send(int status, String contentType, byte[] body) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    /** Adds a response header (before the response is sent). */
    public void responseHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** Starts a server-sent event stream; the caller writes events until the client goes or the server stops. */
    public EventStream events() throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return new EventStream(exchange);
    }

    boolean answered() {
        return answered;
    }

    HttpExchange exchange() {
        return exchange;
    }

    private static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("a query that is not URL-encoded");
            }
        }
        return out;
    }

    /** A server-sent event stream: {@code event:} and {@code data:} lines, flushed per event. */
    public static final class EventStream implements AutoCloseable {
        private final HttpExchange exchange;
        private final OutputStream out;

        EventStream(HttpExchange exchange) {
            this.exchange = exchange;
            this.out = exchange.getResponseBody();
        }

        /** Sends one event; an IOException means the client has gone. */
        public void send(String event, String data) throws IOException {
            StringBuilder b = new StringBuilder();
            if (event != null) {
                b.append("event: ").append(event).append('\n');
            }
            for (String line : data.split("\n", -1)) {
                b.append("data: ").append(line).append('\n');
            }
            b.append('\n');
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** A comment line that keeps the connection open and finds out whether the client is still there. */
        public void keepAlive() throws IOException {
            out.write(":\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() {
            exchange.close();
        }
    }
}
