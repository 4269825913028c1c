package dev.lowres.train.nn;

import java.util.Locale;

/**
 * How a 1x1 convolution with a stride above 1 runs: on libtorch's own strided kernel ({@link #NATIVE}), or as the
 * stride-1 convolution of every s-th pixel ({@link #SUBSAMPLE}, the same arithmetic, slower to train: its backward
 * pass fills a full-size zero gradient around the sampled pixels). {@link #AUTO}, the default, takes the native kernel
 * when the input channels per group are a multiple of 16, so that oneDNN's 1x1 kernels never see a partial block of
 * channels (their fp32 blocks are 8 channels with AVX2, 16 with AVX-512): with one, its backward-weights kernel for
 * channels-last inputs writes past its workspace (oneDNN issue 6035: wrong gradients, hangs or a crash).
 *
 * <p>The environment variable {@code LOWRES_STRIDED_1X1} ({@code auto}, {@code native} or {@code subsample}) chooses
 * for the whole process: {@code subsample} is the way out should a CPU's oneDNN kernel fail on a shape that
 * {@code auto} sends to it (an earlier build of lowres saw a SIGFPE in a strided 1x1 backward pass on an AVX-512
 * CPU that did not recur; BENCHMARKS.md).
 */
public enum StridedOneByOne {
    AUTO, NATIVE, SUBSAMPLE;

    /** The environment variable that sets the mode. */
    public static final String VARIABLE = "LOWRES_STRIDED_1X1";
    /** The mode for {@code value} (null or blank: {@link #AUTO}). */
    public static StridedOneByOne parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + " must be auto, native or subsample: " + value);
        }
    }

    /** Whether a strided 1x1 convolution with {@code inPerGroup} input channels per group runs subsampled here. */
    public boolean subsamples(long inPerGroup) {
        return switch (this) {
            case NATIVE -> false;
            case SUBSAMPLE -> true;
            case AUTO -> inPerGroup % 16 != 0;
        };
    }

    /**
     * {@link #subsamples} in the mode {@link #VARIABLE} sets.
     *
     * @throws IllegalArgumentException when the variable holds something else than a mode
     */
    static boolean subsampled(long inPerGroup) {
        return parse(System.getenv(VARIABLE)).subsamples(inPerGroup);
    }
}
