package dev.lowres.train.optim;

import dev.lowres.train.nn.Param;
import dev.lowres.train.recipe.Recipe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * SGD with (Nesterov) momentum whose state lowres owns, so that a checkpoint holds it and resume is exact
 * whatever the engine. Two forms, equal while the rate is constant:
 * <ul>
 *   <li>{@code lasagne} (the paper's): v = m v + lr g, w -= v (Nesterov: w -= m v + lr g);</li>
 *   <li>{@code pytorch}: v = m v + g, w -= lr v (Nesterov: w -= lr (g + m v)).</li>
 * </ul>
 * Decay is added to the gradient as the paper's L2 penalty (2 wd w), as PyTorch's coupled weight_decay
 * (wd w), or decoupled (w -= lr wd w). Weights are decayed; biases and norm shifts only when asked;
 * norm scales when asked (the paper's Lasagne regularises batch-norm gammas); embeddings (ViT's class token
 * and positions) never, as timm. The buffers are fp32 tensors beside the weights, made at construction.
 */
public final class MomentumSgd implements AutoCloseable {
    private final Recipe.Optimizer config;
    private final List<Param> params;
    private final List<Tensor> velocity = new ArrayList<>();
    private final boolean[] decayed;

    /**
     * @param config the recipe's optimizer
     * @param trainable the parameters it updates
     */
    public MomentumSgd(Recipe.Optimizer config, List<Param> trainable) {
        this.config = config;
        this.params = List.copyOf(trainable);
        this.decayed = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
            decayed[i] = config.weightDecay() > 0 && decays(config, params.get(i).kind());
            Tensor v;
            try (NoGradGuard g = new NoGradGuard()) {
                v = org.bytedeco.pytorch.global.torch.zeros_like(params.get(i).value().detach());
            }
            v.retainReference();
            velocity.add(v);
        }
    }

    /** Whether the recipe decays a parameter of this kind. */
    public static boolean decays(Recipe.Optimizer config, Param.Kind kind) {
        return switch (kind) {
            case WEIGHT -> true;
            case BIAS, NORM_SHIFT -> config.decayNormAndBias();
            case NORM_SCALE -> config.decayNormAndBias() || config.decayNormScale();
            case EMBEDDING, BUFFER -> false;
        };
    }

    /** Whether the parameter at {@code index} of the trainable list is decayed. */
    public boolean decayed(int index) {
        return decayed[index];
    }

    /** One update of every parameter from its gradient, with the recipe's momentum. */
    public void step(double lr) {
        step(lr, config.momentum());
    }

    /** One update of every parameter from its gradient (parameters without one are left alone). */
    public void step(double lr, double m) {
        double wd = config.weightDecay();
        boolean lasagne = config.form().equals("lasagne");
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Scalar lrS = new Scalar(lr);
            Scalar mS = new Scalar(m);
            Scalar negLr = new Scalar(-lr);
            Scalar negM = new Scalar(-m);
            Scalar negLrM = new Scalar(-lr * m);
            Scalar decay = switch (config.decayForm()) {
                case "l2-penalty" -> new Scalar(2 * wd);
                case "coupled" -> new Scalar(wd);
                case "decoupled" -> new Scalar(1 - lr * wd);
                default -> throw new IllegalStateException("unknown decay form " + config.decayForm());
            };
            boolean decoupled = config.decayForm().equals("decoupled");
            for (int i = 0; i < params.size(); i++) {
                Tensor w = params.get(i).value();
                Tensor g = w.grad();
                if (!g.defined()) {
                    continue;
                }
                if (decayed[i]) {
                    if (decoupled) {
                        w.mul_(decay);
                    } else {
                        g = g.add(w, decay);
                    }
                }
                Tensor v = velocity.get(i);
                if (m == 0) {
                    w.add_(g, negLr);
                } else if (lasagne) {
                    v.mul_(mS).add_(g, lrS);
                    if (config.nesterov()) {
                        w.add_(v, negM).add_(g, negLr);
                    } else {
                        w.sub_(v);
                    }
                } else {
                    v.mul_(mS).add_(g);
                    if (config.nesterov()) {
                        w.add_(g, negLr).add_(v, negLrM);
                    } else {
                        w.add_(v, negLr);
                    }
                }
            }
        }
    }

    /** The momentum buffers by parameter name (for checkpoints), as float32 row-major arrays. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < params.size(); i++) {
                out.put(params.get(i).name(), dev.lowres.train.engine.Tensors.toFloats(velocity.get(i)));
            }
        }
        return out;
    }

    /** Restores momentum buffers saved by {@link #state()}; parameters missing from {@code buffers} start at 0. */
    public void restore(Map<String, float[]> buffers) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                float[] data = buffers.get(params.get(i).name());
                if (data == null) {
                    velocity.get(i).zero_();
                } else {
                    dev.lowres.train.engine.Tensors.copyInto(velocity.get(i), data);
                }
            }
        }
    }

    @Override
    public void close() {
        velocity.forEach(Tensor::releaseReference);
        velocity.clear();
    }
}
