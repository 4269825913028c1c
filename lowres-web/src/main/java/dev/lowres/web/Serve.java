package dev.lowres.web;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lowres serve}: the web workbench over a folder of datasets, runs and evaluations. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The web workbench: datasets (card, class grids, records), runs (configuration, checkpoints,",
            "learning curves that follow a training run live), several runs overlaid, evaluations (every section",
            "of metrics.json, the confusion matrix, the mistakes gallery with filters and tags).",
            "Read-only over the files but for the tags (tags.json beside an evaluation's metrics.json)."})
public final class Serve implements Callable<Integer> {
    @Option(names = "--root", defaultValue = ".", description = "the folder served (default: the current one)")
    Path root;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "the address to listen on (default 127.0.0.1: this machine only)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "the port (0: any free one; default 8080)")
    int port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Serve()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isDirectory(root)) {
            System.err.println("lowres serve: --root " + root + " is not a directory");
            return 2;
        }
        if (port < 0 || port > 65535) {
            System.err.println("lowres serve: --port must be in 0..65535, not " + port);
            return 2;
        }
        Workbench w;
        try {
            w = Workbench.start(root, host, port, System.err);
        } catch (BindException e) {
            System.err.println("lowres serve: cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); is another server there? Try --port 0 for any free port");
            return 1;
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            System.err.println("lowres serve: " + e.getMessage());
            return 2;
        }
        String shown = w.host().contains(":") ? "[" + w.host() + "]" : w.host();
        System.out.println("lowres serve: http://" + shown + ":" + w.port() + "/ over " + root.toRealPath()
                + " (Ctrl-C stops)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            w.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
