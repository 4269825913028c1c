package dev.lowres.train.dist;

import dev.lowres.train.engine.Device;
import java.util.Locale;

/**
 * Whether the gradients' all-reduce runs during the backward pass ({@link GradientReducer}) or after it. Overlap
 * is DDP's default and pays where computing and communicating use different hardware (a GPU computes while the
 * CPU and the network reduce); on a CPU whose cores all compute, Gloo's threads take them from the backward pass
 * (measured in BENCHMARKS.md: slower on this machine's 2 cores), so {@link #AUTO} overlaps on GPUs only.
 */
public enum Overlap {
    AUTO, ON, OFF;

    /** Whether to overlap on {@code device}. */
    public boolean on(Device device) {
        return this == ON || (this == AUTO && device.isCuda());
    }

    /** Parses {@code auto}, {@code on} or {@code off}. */
    public static Overlap parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dist-overlap takes auto, on or off, not '" + text + "'");
        }
    }
}
