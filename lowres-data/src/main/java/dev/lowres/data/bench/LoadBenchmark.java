package dev.lowres.data.bench;

import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.store.DatasetException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Measures the loader: finished batches per second as a training loop would consume them (each batch
 * touched, then released), after a warm-up, best of several epochs.
 */
public final class LoadBenchmark {
    /**
     * @param records records per timed epoch
     * @param seconds the best epoch's time
     * @param imagesPerSecond records / seconds
     * @param bytesPerImage bytes of one stored record (for disk throughput)
     */
    public record Result(long records, double seconds, double imagesPerSecond, int bytesPerImage) {
        /** Stored bytes read per second. */
        public double megabytesPerSecond() {
            return imagesPerSecond * bytesPerImage / 1e6;
        }
    }

    private LoadBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param epochs timed epochs (the best counts)
     * @param warmupBatches batches consumed first, untimed (JIT, page cache)
     * @param beforeEpoch called before each timed epoch (e.g. to drop the page cache)
     * @param log one line per epoch
     */
    public static Result run(LoaderConfig config, int epochs, int warmupBatches, Runnable beforeEpoch,
                             Consumer<String> log) throws IOException, DatasetException {
        try (Loader loader = Loader.open(config)) {
            if (warmupBatches > 0) {
                try (Epoch warm = loader.epoch(0)) {
                    for (int i = 0; i < warmupBatches && warm.hasNext(); i++) {
                        touch(warm.next());
                    }
                }
            }
            double best = Double.MAX_VALUE;
            long records = 0;
            for (int e = 1; e <= epochs; e++) {
                beforeEpoch.run();
                long start = System.nanoTime();
                long n = 0;
                double sink = 0;
                try (Epoch epoch = loader.epoch(e)) {
                    while (epoch.hasNext()) {
                        Batch b = epoch.next();
                        sink += touch(b);
                        n += b.size();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                log.accept(String.format(java.util.Locale.ROOT, "epoch %d: %,d images in %.2f s, %,.0f images/s%s",
                        e, n, seconds, n / seconds, sink == 42.4242 ? " " : ""));
                if (seconds < best) {
                    best = seconds;
                    records = n;
                }
            }
            return new Result(records, best, records / best, loader.view().shape().bytesPerImage());
        }
    }

    /** What a training loop does at least: look at the batch. */
    private static double touch(Batch b) {
        return b.images().get(0) + b.label(b.size() - 1);
    }
}
