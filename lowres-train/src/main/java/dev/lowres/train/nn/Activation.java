package dev.lowres.train.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Element-wise activations. ReLU and ReLU6 work in place, as PyTorch's models do after a batch norm (half the
 * memory traffic): their input must be a fresh tensor no other operation saved for its backward pass (a batch
 * norm's or a sum's output; autograd refuses otherwise, it never computes wrong gradients).
 */
public enum Activation implements Layer {
    /** max(x, 0). */
    RELU {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.relu_(x);
        }
    },
    /** min(max(x, 0), 6): MobileNetV2's. */
    RELU6 {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.hardtanh_(x, Bounds.ZERO, Bounds.SIX);
        }
    },
    /** The exact (erf) GELU of the transformers (not in place). */
    GELU {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.gelu(x);
        }
    };

    /** ReLU6's bounds, made once. */
    private static final class Bounds {
        static final Scalar ZERO = retained(0.0);
        static final Scalar SIX = retained(6.0);

        private static Scalar retained(double v) {
            dev.lowres.train.engine.Torch.load();
            Scalar s = new Scalar(v);
            s.retainReference();
            return s;
        }
    }
}
