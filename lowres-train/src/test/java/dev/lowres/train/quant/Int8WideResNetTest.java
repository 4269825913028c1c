package dev.lowres.train.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.TrainedLikeWeights;
import dev.lowres.train.model.Network;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

class Int8WideResNetTest {
    static final int SIZE = 32;

    static float[] images(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 3 * SIZE * SIZE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @Test
    void theFloatDecompositionIsTheNetworksInferencePassAndInt8StaysCloseToIt() {
        for (String name : new String[] {"wrn-16-2", "wrn-16-2@16,9,32,20,64,50"}) {
            Network net = ModelRegistry.create(name, 3, SIZE, 10);
            Map<String, float[]> w = TrainedLikeWeights.of(net);
            float[] x = images(8, 3);
            try (Model model = Model.create(net, Device.cpu(), 0, false);
                 Int8WideResNet q = Int8WideResNet.of(net, w);
                 PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                model.load(w, "test");
                var input = Tensors.floats(x, Device.cpu(), 8, 3, SIZE, SIZE);
                float[] expected = Tensors.toFloats(model.forward(input, false));
                Calibration c = new Calibration(Calibration.Observer.MIN_MAX);
                for (int b = 0; b < 4; b++) {
                    var batch = Tensors.floats(images(16, 10 + b), Device.cpu(), 16, 3, SIZE, SIZE);
                    q.floatForward(batch, c);
                }
                float[] decomposed = Tensors.toFloats(q.floatForward(input, null));
                assertArrayEquals(expected, decomposed, 1e-3f, name + ": folded batch norms, same logits");
                float[] int8 = Tensors.toFloats(q.quantize(c.ranges()).forward(input));
                double err = 0;
                double norm = 0;
                for (int i = 0; i < expected.length; i++) {
                    err += (int8[i] - expected[i]) * (int8[i] - expected[i]);
                    norm += expected[i] * expected[i];
                }
                double relative = Math.sqrt(err / norm);
                assertTrue(relative < 0.1 && relative > 0, name + ": int8 logits within 10% (L2) of fp32's: "
                        + relative);
            }
        }
    }

    @Test
    void otherNetworksAreRefused() {
        Network n = ModelRegistry.create("preact-resnet-18", 3, SIZE, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Int8WideResNet.of(n, Map.of()));
        assertTrue(e.getMessage().contains("Wide ResNets"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Calibration.Observer.parse("entropy"));
    }
}
