package dev.lowres.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import dev.lowres.train.recipe.Recipe;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * SGD with (Nesterov) momentum whose state lowres owns: DJL's {@code Sgd} keeps its momentum buffers
 * private, cannot save them, and decays every parameter alike. Two forms, equal while the rate is constant:
 * <ul>
 *   <li>{@code lasagne} (the paper's): v = m v + lr g, w -= v (Nesterov: w -= m v + lr g);</li>
 *   <li>{@code pytorch}: v = m v + g, w -= lr v (Nesterov: w -= lr (g + m v)).</li>
 * </ul>
 * Decay is added to the gradient as the paper's L2 penalty (2 wd w), as PyTorch's coupled weight_decay
 * (wd w), or decoupled (w -= lr wd w); norm scales and shifts and biases are spared unless asked. The rate is
 * set before every step ({@link #setLearningRate}).
 */
public final class MomentumSgd extends Optimizer {
    private final Recipe.Optimizer config;
    private final Set<String> decayed;
    private final Map<String, String> names;
    private final Map<String, NDArray> velocity = new HashMap<>();
    private volatile double learningRate;

    /**
     * @param config the recipe's optimizer
     * @param parameters the trainable parameters by their path in the network (unique, stable across runs)
     */
    public MomentumSgd(Recipe.Optimizer config, Map<String, Parameter> parameters) {
        super(new Builder());
        this.config = config;
        this.names = new HashMap<>();
        this.decayed = new java.util.HashSet<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            names.put(p.getId(), e.getKey());
            boolean weight = p.getType() == Parameter.Type.WEIGHT;
            if (config.weightDecay() > 0 && (weight || config.decayNormAndBias())) {
                decayed.add(p.getId());
            }
        }
    }

    /** The rate of the coming step. */
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    /** Whether a parameter is decayed. */
    public boolean decays(String parameterId) {
        return decayed.contains(parameterId);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        double lr = learningRate;
        double m = config.momentum();
        double wd = config.weightDecay();
        boolean decay = decayed.contains(parameterId);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray g = grad;
            if (decay && config.decayForm().equals("l2-penalty")) {
                g = g.add(weight.mul(2 * wd));
            } else if (decay && config.decayForm().equals("coupled")) {
                g = g.add(weight.mul(wd));
            }
            if (decay && config.decayForm().equals("decoupled")) {
                weight.subi(weight.mul(lr * wd));
            }
            NDArray v = velocity(parameterId, weight);
            if (m == 0) {
                weight.subi(g.mul(lr));
            } else if (config.form().equals("lasagne")) {
                v.muli(m).addi(g.mul(lr));
                weight.subi(config.nesterov() ? v.mul(m).add(g.mul(lr)) : v);
            } else {
                v.muli(m).addi(g);
                weight.subi((config.nesterov() ? g.add(v.mul(m)) : v).mul(lr));
            }
        }
    }

    private NDArray velocity(String id, NDArray weight) {
        NDArray v = velocity.get(id);
        if (v == null) {
            v = weight.zerosLike();
            NDScope.unregister(v);
            v.detach();
            velocity.put(id, v);
        }
        return v;
    }

    /** The momentum buffers by parameter path (for checkpoints); created on the first update. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new HashMap<>();
        velocity.forEach((id, v) -> out.put(names.get(id), v));
        return out;
    }

    /** Restores momentum buffers saved by {@link #state()}: by parameter path, onto {@code device}. */
    public void restore(Map<String, float[]> buffers, Map<String, Parameter> parameters, Device device) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            float[] data = buffers.get(e.getKey());
            if (data == null) {
                continue;
            }
            NDArray w = e.getValue().getArray();
            NDArray v = w.getManager().create(data, w.getShape()).toDevice(device, false);
            v.detach();
            velocity.put(e.getValue().getId(), v);
        }
    }

    /** The builder DJL's base class asks for; decay and rescaling stay off there (done above). */
    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
