package dev.lowres.train.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Element-wise activations. */
public enum Activation implements Layer {
    /** max(x, 0). */
    RELU {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.relu(x);
        }
    },
    /** min(max(x, 0), 6): MobileNetV2's. */
    RELU6 {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.hardtanh(x, new Scalar(0.0), new Scalar(6.0));
        }
    },
    /** The exact (erf) GELU of the transformers. */
    GELU {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return torch.gelu(x);
        }
    }
}
