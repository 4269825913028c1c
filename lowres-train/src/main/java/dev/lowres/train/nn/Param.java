package dev.lowres.train.nn;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * One named tensor of a network: a trainable parameter or a buffer (batch-norm statistics). Declared with its
 * shape and initialisation while the network is built; its tensor exists once a {@link Model} is made. The
 * name is its path in the network, PyTorch style ({@code blocks.3.conv1.weight}), stable across runs: the
 * checkpoint, export and optimizer state are keyed by it.
 */
public final class Param {
    /** What a tensor is for: which are trained and which a weight decay spares by default. */
    public enum Kind {
        /** Convolution and linear weights: trained, decayed. */
        WEIGHT(true),
        /** Biases: trained, not decayed unless asked. */
        BIAS(true),
        /** Normalisation scales (gamma): trained, not decayed unless asked (the paper's Lasagne decays them). */
        NORM_SCALE(true),
        /** Normalisation shifts (beta): trained, not decayed unless asked. */
        NORM_SHIFT(true),
        /** Class tokens and position embeddings: trained, never decayed (as timm). */
        EMBEDDING(true),
        /** Batch-norm running mean and variance: not trained; averaged by the EMA and checkpointed. */
        BUFFER(false);

        private final boolean trainable;

        Kind(boolean trainable) {
            this.trainable = trainable;
        }

        public boolean trainable() {
            return trainable;
        }
    }

    private final String name;
    private final Kind kind;
    private final long[] shape;
    private final Init init;
    private Tensor value;
    private TensorOptional optional;

    Param(String name, Kind kind, long[] shape, Init init) {
        this.name = name;
        this.kind = kind;
        this.shape = shape.clone();
        this.init = init;
    }

    public String name() {
        return name;
    }

    /** Whether pruning applies: convolution and linear weights (four- and two-dimensional weights). */
    public boolean prunable() {
        return kind == Kind.WEIGHT && shape.length >= 2;
    }

    public Kind kind() {
        return kind;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public Init init() {
        return init;
    }

    /** The tensor (fails before a {@link Model} made it). */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException(name + " has no tensor yet (make a Model of the network first)");
        }
        return value;
    }

    /** The tensor as libtorch's optional argument (cached: the forward pass makes none per step). */
    public TensorOptional optional() {
        if (optional == null) {
            optional = new TensorOptional(value());
            optional.retainReference();
        }
        return optional;
    }

    /** Sets the tensor; the parameter keeps a reference until {@link #release()}. */
    public void bind(Tensor tensor) {
        release();
        tensor.retainReference();
        value = tensor;
    }

    /** Frees the tensor. */
    public void release() {
        if (optional != null) {
            optional.releaseReference();
            optional = null;
        }
        if (value != null) {
            value.releaseReference();
            value = null;
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
