package dev.lowres.train.nn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a parameter starts. Random starts are drawn from (seed, parameter name) alone, so a network's initial
 * weights are the same bytes whatever the engine, thread count or order in which layers are made.
 */
public sealed interface Init {
    /** Fills {@code out} for a parameter of {@code shape}. */
    void fill(float[] out, long[] shape, long seed, String name);

    /** All zeros (biases, shifts, running means). */
    record Constant(float value) implements Init {
        @Override
        public void fill(float[] out, long[] shape, long seed, String name) {
            Arrays.fill(out, value);
        }
    }

    /**
     * He et al. 2015: normal with standard deviation {@code gain x sqrt(1 / fan_in)} (gain sqrt(2) for ReLU
     * networks, 1 for a linear output), fan_in = input channels x kernel area.
     */
    record HeNormal(double gain) implements Init {
        @Override
        public void fill(float[] out, long[] shape, long seed, String name) {
            long fanIn = 1;
            for (int i = 1; i < shape.length; i++) {
                fanIn *= shape[i];
            }
            double std = gain / Math.sqrt(fanIn);
            SplittableRandom r = random(seed, name);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (r.nextGaussian() * std);
            }
        }
    }

    /**
     * Glorot &amp; Bengio 2010 uniform, as Lasagne's default {@code GlorotUniform}: U(-a, a) with a = sqrt(6 /
     * ((out + in) x kernel area)) for a weight of shape (out, in, k, k).
     */
    record GlorotUniform() implements Init {
        @Override
        public void fill(float[] out, long[] shape, long seed, String name) {
            long receptive = 1;
            for (int i = 2; i < shape.length; i++) {
                receptive *= shape[i];
            }
            double a = Math.sqrt(6.0 / ((shape[0] + shape[1]) * receptive));
            SplittableRandom r = random(seed, name);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((2 * r.nextDouble() - 1) * a);
            }
        }
    }

    /** Normal of mean 0 and standard deviation {@code std}. */
    record Normal(double std) implements Init {
        @Override
        public void fill(float[] out, long[] shape, long seed, String name) {
            SplittableRandom r = random(seed, name);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (r.nextGaussian() * std);
            }
        }
    }

    /** Normal of standard deviation {@code std} redrawn outside {@code +-cut x std} (the transformers' start). */
    record TruncatedNormal(double std, double cut) implements Init {
        @Override
        public void fill(float[] out, long[] shape, long seed, String name) {
            SplittableRandom r = random(seed, name);
            for (int i = 0; i < out.length; i++) {
                double g;
                do {
                    g = r.nextGaussian();
                } while (Math.abs(g) > cut);
                out[i] = (float) (g * std);
            }
        }
    }

    Init ZEROS = new Constant(0f);
    Init ONES = new Constant(1f);
    /** He normal for ReLU networks: std sqrt(2 / fan_in). */
    Init HE_RELU = new HeNormal(Math.sqrt(2));
    /** He normal with gain 1 (a classifier): std sqrt(1 / fan_in). */
    Init HE_LINEAR = new HeNormal(1);

    /** A generator for one parameter: the seed mixed with a 64-bit hash of the name. */
    static SplittableRandom random(long seed, String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ h);
    }
}
