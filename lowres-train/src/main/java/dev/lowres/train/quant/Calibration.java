package dev.lowres.train.quant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.lowres.train.recipe.Word;
import org.bytedeco.pytorch.Tensor;

/**
 * The activation ranges of a network seen on calibration images, one per quantization point, from which each
 * point's affine quint8 scale and zero point follow. {@link Observer#MIN_MAX}: the smallest and largest value
 * seen; {@link Observer#PERCENTILE}: per batch the 0.01st and 99.99th percentiles, averaged over the batches, so
 * that a few outliers do not stretch the range and coarsen every other value's step.
 */
public final class Calibration {
    /** How ranges are taken. */
    public enum Observer implements Word {
        MIN_MAX("minmax"), PERCENTILE("percentile");

        private final String id;

        Observer(String id) {
            this.id = id;
        }

        @JsonValue
        @Override
        public String id() {
            return id;
        }

        @JsonCreator
        public static Observer parse(String text) {
            return Word.parse(Observer.class, "the observer", text);
        }
    }

    private static final double TAIL = 1e-4;
    private final Observer observer;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, Integer> batches = new LinkedHashMap<>();

    public Calibration(Observer observer) {
        this.observer = observer;
    }

    /** Records the values of point {@code name} in one batch. */
    void observe(String name, Tensor x) {
        double lo;
        double hi;
        if (observer == Observer.MIN_MAX) {
            lo = x.min().item_double();
            hi = x.max().item_double();
            double[] r = sums.get(name);
            sums.put(name, r == null ? new double[] {lo, hi} : new double[] {Math.min(r[0], lo), Math.max(r[1], hi)});
            return;
        }
        Tensor flat = x.reshape(-1);
        long n = flat.numel();
        long k = Math.max(1, Math.round(TAIL * n));
        lo = flat.kthvalue(k).get0().item_double();
        hi = flat.kthvalue(Math.max(1, n - k + 1)).get0().item_double();
        double[] r = sums.computeIfAbsent(name, key -> new double[2]);
        r[0] += lo;
        r[1] += hi;
        batches.merge(name, 1, Integer::sum);
    }

    /** The range of each point, in the order first seen. */
    public Map<String, double[]> ranges() {
        Map<String, double[]> out = new LinkedHashMap<>();
        sums.forEach((name, r) -> {
            int n = observer == Observer.MIN_MAX ? 1 : batches.get(name);
            out.put(name, new double[] {r[0] / n, r[1] / n});
        });
        return out;
    }

    /** The largest quint8 level an activation uses: 7 bits, see {@link #qparams}. */
    static final int LEVELS = 127;

    /**
     * The affine quint8 parameters of a range (always holding 0, so zero is exact): {@code [scale, zero point]}.
     * Activations use 7 of the 8 bits (levels 0..{@value #LEVELS}), as PyTorch's x86/fbgemm default does
     * ({@code reduce_range=True}): fbgemm's AVX2 kernels multiply uint8 activations by int8 weights with
     * {@code vpmaddubsw}, which sums pairs of products in int16 and saturates when both are near full range (2 x 255
     * x 127 &gt; 32,767); only CPUs with VNNI accumulate in int32. Measured on an AVX2 EPYC (BENCHMARKS.md,
     * "Smaller networks, AVX2 machine"): a WRN-16-2's int8 top-1 fell 6.2 points with all 8 bits.
     */
    static double[] qparams(double[] range) {
        double lo = Math.min(0, range[0]);
        double hi = Math.max(0, range[1]);
        double scale = Math.max((hi - lo) / LEVELS, 1e-8);
        long zero = Math.max(0, Math.min(LEVELS, Math.round(-lo / scale)));
        return new double[] {scale, zero};
    }
}
