package dev.lowres.web;

import com.sun.net.httpserver.HttpServer;
import dev.lowres.web.http.RootedFiles;
import dev.lowres.web.http.Router;
import dev.lowres.web.pages.DatasetPages;
import dev.lowres.web.model.Models;
import dev.lowres.web.pages.EvalPages;
import dev.lowres.web.pages.ExplainPages;
import dev.lowres.web.pages.IndexPage;
import dev.lowres.web.pages.PredictPages;
import dev.lowres.web.pages.RunPages;
import dev.lowres.web.pages.Templates;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The web workbench: the JDK's HTTP server, bound to one address, serving the pages over one root. */
public final class Workbench implements AutoCloseable {
    /** Requests served at once at most (an event stream holds one for as long as its page is open). */
    public static final int MAX_THREADS = 64;

    private final HttpServer server;
    private final ExecutorService executor;
    private final RunPages runs;
    private final Models models;

    private Workbench(HttpServer server, ExecutorService executor, RunPages runs, Models models) {
        this.server = server;
        this.executor = executor;
        this.runs = runs;
        this.models = models;
    }

    /**
     * Starts serving {@code root} at {@code host:port} (port 0: any free port).
     *
     * @param log where failures of single requests are written (with their stack traces)
     */
    public static Workbench start(Path root, String host, int port, PrintStream log) throws IOException {
        RootedFiles files = new RootedFiles(root);
        InetAddress address = InetAddress.getByName(host);
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("--host must name one address (this machine's name or IP), not the "
                    + "wildcard " + host + ": the server checks that requests name it");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
        int bound = server.getAddress().getPort();
        Router router = new Router(hosts(host, address, bound), Templates::error, log);
        new IndexPage(files).routes(router);
        DatasetPages datasets = new DatasetPages(files);
        datasets.routes(router);
        RunPages runs = new RunPages(files);
        runs.routes(router);
        new EvalPages(files).routes(router);
        Models models = new Models();
        new ExplainPages(files, datasets, models).routes(router);
        new PredictPages(files, models).routes(router);
        server.createContext("/", router);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, MAX_THREADS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "lowres-serve");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.start();
        // libtorch's natives load in the background now, not under the first explanation or prediction
        Thread natives = new Thread(() -> {
            try {
                dev.lowres.train.engine.Torch.load();
            } catch (RuntimeException | LinkageError e) {
                log.println("lowres serve: libtorch could not be loaded (explanations and predictions will fail): " + e);
            }
        }, "lowres-serve-natives");
        natives.setDaemon(true);
        natives.start();
        return new Workbench(server, executor, runs, models);
    }

    /** The Host header values this server answers: the bound name and address with the port. */
    static Set<String> hosts(String host, InetAddress address, int port) {
        Set<String> out = new LinkedHashSet<>();
        String h = host.toLowerCase(Locale.ROOT);
        out.add(h + ":" + port);
        String a = address.getHostAddress();
        out.add((a.contains(":") ? "[" + a + "]" : a) + ":" + port);
        if (address.isLoopbackAddress()) {
            out.add("localhost:" + port);
            out.add("127.0.0.1:" + port);
        }
        return out;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address it listens on. */
    public String host() {
        return server.getAddress().getAddress().getHostAddress();
    }

    @Override
    public void close() {
        runs.stop();
        server.stop(0);
        executor.shutdownNow();
        models.close();
    }
}
