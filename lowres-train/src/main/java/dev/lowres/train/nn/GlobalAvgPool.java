package dev.lowres.train.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Global average pooling, (N, C, H, W) to (N, C). Its input is the network's last feature map, which Grad-CAM
 * needs with its gradient: while a {@link Capture} is open on a thread, the pooling keeps its input there and
 * asks autograd to retain that input's gradient.
 */
public final class GlobalAvgPool implements Layer {
    public static final GlobalAvgPool INSTANCE = new GlobalAvgPool();
    private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();

    private GlobalAvgPool() {
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Capture c = CAPTURE.get();
        if (c != null) {
            if (x.requires_grad()) {
                x.retain_grad();
            }
            c.features = x;
        }
        return torch.adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
    }

    /** Opens a capture of the last pooled feature map on this thread; closing it ends the capture. */
    public static Capture capture() {
        Capture c = new Capture(CAPTURE.get());
        CAPTURE.set(c);
        return c;
    }

    /** The feature map the last forward pass pooled (in the caller's tensor scope). */
    public static final class Capture implements AutoCloseable {
        private final Capture previous;
        private Tensor features;

        private Capture(Capture previous) {
            this.previous = previous;
        }

        /** The (N, C, H, W) map pooled last, or null when no pooling ran (a transformer's head). */
        public Tensor features() {
            return features;
        }

        @Override
        public void close() {
            if (previous == null) {
                CAPTURE.remove();
            } else {
                CAPTURE.set(previous);
            }
        }
    }
}
