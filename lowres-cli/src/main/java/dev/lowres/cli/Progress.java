package dev.lowres.cli;

import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr with rate and ETA, shown only when lowres talks to a terminal (or
 * {@code LOWRES_PROGRESS=always}); silent otherwise and with {@code --quiet}. Thread-safe.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * Starts a bar.
     *
     * @param task the label on the left
     * @param total units of work
     * @param done units already done (resumed work)
     * @param unit the unit after the rate, e.g. {@code img}
     * @param quiet true to show nothing
     */
    static Progress start(String task, long total, long done, String unit, boolean quiet) {
        if (quiet || !enabled()) {
            return new Progress(null);
        }
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
                .setUpdateIntervalMillis(250)
                .showSpeed(new DecimalFormat("#,##0"))
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setUnit(" " + unit, 1);
        if (done > 0) {
            b.startsFrom(done, Duration.ZERO);
        }
        return new Progress(b.build());
    }

    /** A bar over bytes, shown in MiB. */
    static Progress bytes(String task, long totalBytes, boolean quiet) {
        if (quiet || !enabled()) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalBytes)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
                .setUpdateIntervalMillis(250)
                .showSpeed(new DecimalFormat("#,##0.0"))
                .setUnit(" MiB", 1 << 20)
                .build());
    }

    /**
     * A bar that appears when the work says how much there is: give it to the library as its progress
     * listener (importers and exporters call {@code started}, then {@code progressed}); close it after.
     */
    static Deferred deferred(String task, String unit, boolean quiet) {
        return new Deferred(task, unit, quiet);
    }

    /** See {@link #deferred}. Thread-safe. */
    static final class Deferred implements dev.lowres.data.interop.ProgressListener, AutoCloseable {
        private final String task;
        private final String unit;
        private final boolean quiet;
        private volatile Progress bar;

        private Deferred(String task, String unit, boolean quiet) {
            this.task = task;
            this.unit = unit;
            this.quiet = quiet;
        }

        @Override
        public void started(long total) {
            started(total, 0);
        }

        /** Starts the bar at {@code done} of {@code total} (work resumed from an earlier run). */
        synchronized void started(long total, long done) {
            if (bar == null) {
                bar = Progress.start(task, total, done, unit, quiet);
            }
        }

        @Override
        public void progressed(long n) {
            Progress p = bar;
            if (p != null) {
                p.step(n);
            }
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    static boolean enabled() {
        String setting = System.getenv("LOWRES_PROGRESS");
        if ("always".equals(setting)) {
            return true;
        }
        if ("never".equals(setting)) {
            return false;
        }
        return System.console() != null;
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
