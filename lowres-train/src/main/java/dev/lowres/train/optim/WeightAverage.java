package dev.lowres.train.optim;

import dev.lowres.train.engine.Tensors;
import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * An exponential moving average of every parameter, batch-norm statistics included (Polyak averaging as
 * timm's ModelEma does): after each step, avg = decay x avg + (1 - decay) x w. {@link #swap()} exchanges
 * the averages with the weights to evaluate them, and swaps back. The averages are fp32 tensors on the
 * weights' device, owned here until {@link #close()}.
 */
public final class WeightAverage implements AutoCloseable {
    private final double decay;
    private final List<Param> params;
    private final List<Tensor> average = new ArrayList<>();

    public WeightAverage(double decay, List<Param> params) {
        this.decay = decay;
        this.params = List.copyOf(params);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Param p : params) {
                Tensor copy = p.value().detach().clone();
                copy.retainReference();
                average.add(copy);
            }
        }
    }

    /** Folds the current weights in; call after each optimizer step. */
    public void update() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Scalar keep = new Scalar(decay);
            Scalar take = new Scalar(1 - decay);
            for (int i = 0; i < params.size(); i++) {
                average.get(i).mul_(keep).add_(params.get(i).value(), take);
            }
        }
    }

    /** Exchanges the averages and the weights (call twice to restore). */
    public void swap() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor w = params.get(i).value();
                Tensor tmp = w.detach().clone();
                w.detach().copy_(average.get(i));
                average.get(i).copy_(tmp);
            }
        }
    }

    /** The average tensors themselves, in parameter order (to broadcast them between data-parallel ranks). */
    public List<Tensor> averages() {
        return java.util.Collections.unmodifiableList(average);
    }

    /** The averages by parameter name (for checkpoints), as float32 row-major arrays. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < params.size(); i++) {
                out.put(params.get(i).name(), Tensors.toFloats(average.get(i)));
            }
        }
        return out;
    }

    /** Restores averages saved by {@link #state()} (those missing keep their value). */
    public void restore(Map<String, float[]> saved) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                float[] data = saved.get(params.get(i).name());
                if (data != null) {
                    Tensors.copyInto(average.get(i), data);
                }
            }
        }
    }

    @Override
    public void close() {
        average.forEach(Tensor::releaseReference);
        average.clear();
    }
}
