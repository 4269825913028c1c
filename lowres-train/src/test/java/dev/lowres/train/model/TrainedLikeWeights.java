package dev.lowres.train.model;

import dev.lowres.train.engine.Device;
import java.util.Map;
import java.util.SplittableRandom;

/** Test weights for a network that look trained: batch-norm statistics, scales and biases away from the identity. */
public final class TrainedLikeWeights {
    private TrainedLikeWeights() {
    }

    /**
     * {@code network}'s initial weights (seed 7) with running variances and batch-norm scales in [0.5, 1.5), running
     * means and biases in [-0.5, 0.5).
     */
    public static Map<String, float[]> of(Network network) {
        Map<String, float[]> w;
        try (Model m = Model.create(network, Device.cpu(), 7, false)) {
            w = m.values();
        }
        SplittableRandom random = new SplittableRandom(1);
        for (Map.Entry<String, float[]> e : w.entrySet()) {
            String name = e.getKey();
            float[] v = e.getValue();
            if (name.endsWith("running_var") || name.endsWith("bn2.weight") || name.endsWith("bn1.weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.5f + (float) random.nextDouble();
                }
            } else if (name.endsWith("running_mean") || name.endsWith(".bias")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextDouble() - 0.5f;
                }
            }
        }
        return w;
    }
}
