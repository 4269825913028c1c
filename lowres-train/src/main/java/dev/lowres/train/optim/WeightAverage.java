package dev.lowres.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of every parameter, batch-norm statistics included (Polyak averaging as
 * timm's ModelEma does): after each step, avg = decay x avg + (1 - decay) x w. {@link #swap()} exchanges
 * the averages with the weights to evaluate them, and swaps back.
 */
public final class WeightAverage implements AutoCloseable {
    private final double decay;
    private final PairList<String, Parameter> parameters;
    private final Map<String, NDArray> average = new LinkedHashMap<>();

    public WeightAverage(double decay, PairList<String, Parameter> parameters) {
        this.decay = decay;
        this.parameters = parameters;
        for (Pair<String, Parameter> p : parameters) {
            NDArray copy = p.getValue().getArray().duplicate();
            copy.detach();
            average.put(p.getKey(), copy);
        }
    }

    /** Folds the current weights in; call after each optimizer step. */
    public void update() {
        for (Pair<String, Parameter> p : parameters) {
            NDArray avg = average.get(p.getKey());
            NDArray w = p.getValue().getArray();
            avg.muli(decay);
            try (NDArray scaled = w.mul(1 - decay)) {
                avg.addi(scaled);
            }
        }
    }

    /** Exchanges the averages and the weights (call twice to restore). */
    public void swap() {
        for (Pair<String, Parameter> p : parameters) {
            NDArray w = p.getValue().getArray();
            NDArray avg = average.get(p.getKey());
            try (NDArray tmp = w.duplicate()) {
                w.set(avg.toByteBuffer());
                avg.set(tmp.toByteBuffer());
            }
        }
    }

    /** The averages by parameter name (for checkpoints). */
    public Map<String, NDArray> state() {
        return average;
    }

    /** Restores averages saved by {@link #state()}. */
    public void restore(Map<String, float[]> saved) {
        for (Map.Entry<String, NDArray> e : average.entrySet()) {
            float[] data = saved.get(e.getKey());
            if (data != null) {
                e.getValue().set(data);
            }
        }
    }

    @Override
    public void close() {
        average.values().forEach(NDArray::close);
    }
}
