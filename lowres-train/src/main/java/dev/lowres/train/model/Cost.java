package dev.lowres.train.model;

/**
 * Counts what a network costs while it is built: trainable parameters and multiply-accumulates (MACs) of
 * one forward pass of one image, layer by layer, from the shapes the builder knows. FLOPs are 2 x MACs.
 * Batch-norm and element-wise work are counted as parameters only (their MACs are negligible).
 */
public final class Cost {
    private long parameters;
    private long macs;

    /** A convolution of {@code in} to {@code out} channels, k x k, on an output of outH x outW. */
    public void conv(int in, int out, int k, int groups, int outH, int outW, boolean bias) {
        long weights = (long) out * (in / groups) * k * k;
        parameters += weights + (bias ? out : 0);
        macs += weights * outH * outW;
    }

    /** A batch norm (or layer norm) over {@code channels}: scale and shift. */
    public void norm(int channels) {
        parameters += 2L * channels;
    }

    /** A fully connected layer applied {@code times} times (tokens of a transformer; 1 otherwise). */
    public void linear(int in, int out, boolean bias, int times) {
        parameters += (long) in * out + (bias ? out : 0);
        macs += (long) in * out * times;
    }

    /** Other parameters (embeddings, class tokens). */
    public void parameters(long count) {
        parameters += count;
    }

    /** Other multiply-accumulates (attention's matrix products). */
    public void macs(long count) {
        macs += count;
    }

    public long parameters() {
        return parameters;
    }

    public long macs() {
        return macs;
    }
}
