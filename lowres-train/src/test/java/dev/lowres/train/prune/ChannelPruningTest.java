package dev.lowres.train.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class ChannelPruningTest {
    static final int SIZE = 32;

    static float[] logits(Network n, Map<String, float[]> values, float[] images) {
        try (Model m = Model.create(n, Device.cpu(), 0, false); PointerScope scope = new PointerScope();
             NoGradGuard g = new NoGradGuard()) {
            m.load(values, "test");
            return Tensors.toFloats(m.forward(Tensors.floats(images, Device.cpu(), 2, 3, SIZE, SIZE), false));
        }
    }

    @Test
    void removingDeadChannelsLeavesTheFunctionAndShrinksTheNetwork() {
        Network full = ModelRegistry.create("wrn-16-2", 3, SIZE, 10);
        // batch norm statistics and scales that are not the identity, and every odd channel of every block dead
        Map<String, float[]> w = TrainedLikeWeights.of(full);
        SplittableRandom random = new SplittableRandom(1);
        for (int b = 0; b < 6; b++) {
            float[] gamma = w.get("blocks." + b + ".bn2.weight");
            float[] beta = w.get("blocks." + b + ".bn2.bias");
            for (int c = 1; c < gamma.length; c += 2) {
                gamma[c] = 0;
                beta[c] = 0;
            }
        }
        float[] images = new float[2 * 3 * SIZE * SIZE];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        ChannelPruning.Result r = ChannelPruning.prune(full, w, 0.5, ChannelPruning.Criterion.BN_SCALE);
        assertArrayEquals(new int[] {32, 32, 64, 64, 128, 128}, r.before());
        assertArrayEquals(new int[] {16, 16, 32, 32, 64, 64}, r.after());
        assertEquals("wrn-16-2@16,16,32,32,64,64", r.model());
        Network small = ModelRegistry.create(r.model(), 3, SIZE, 10);
        assertArrayEquals(logits(full, w, images), logits(small, r.weights(), images), 1e-4f,
                "the removed channels' outputs were zero: the same logits");
        assertTrue(small.parameters() < 0.6 * full.parameters(), small.parameters() + " of " + full.parameters());
        assertTrue(small.macs() < 0.6 * full.macs(), small.macs() + " of " + full.macs());
        assertEquals(small.declaredTrainable(), small.parameters());
    }

    @Test
    void l1PrunesTheSameShareOfEveryBlockAndCanPruneAgain() {
        Network full = ModelRegistry.create("wrn-16-2", 3, SIZE, 10);
        ChannelPruning.Result r = ChannelPruning.prune(full, TrainedLikeWeights.of(full), 0.25, ChannelPruning.Criterion.L1);
        assertArrayEquals(new int[] {24, 24, 48, 48, 96, 96}, r.after());
        Network once = ModelRegistry.create(r.model(), 3, SIZE, 10);
        ChannelPruning.Result again = ChannelPruning.prune(once, r.weights(), 0.5, ChannelPruning.Criterion.L1);
        assertArrayEquals(new int[] {12, 12, 24, 24, 48, 48}, again.after());
    }

    @Test
    void theHighestScoresAreKeptInChannelOrder() {
        assertArrayEquals(new int[] {1, 3}, ChannelPruning.top(new float[] {0.1f, 5, 0.2f, 3}, 2));
    }

    @Test
    void otherNetworksAndAmountsAreRefusedWithTheReason() {
        Network vit = ModelRegistry.create("preact-resnet-18", 3, SIZE, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelPruning.prune(vit, Map.of(), 0.5, ChannelPruning.Criterion.L1));
        assertTrue(e.getMessage().contains("Wide ResNets") && e.getMessage().contains("shortcut"), e.getMessage());
        Network wrn = ModelRegistry.create("wrn-16-1", 3, SIZE, 10);
        e = assertThrows(IllegalArgumentException.class,
                () -> ChannelPruning.prune(wrn, Map.of(), 1.0, ChannelPruning.Criterion.L1));
        assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.create("wrn-16-2@99,1,1,1,1,1", 3, SIZE,
                10));
        assertTrue(e.getMessage().contains("1 to 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChannelPruning.Criterion.parse("taylor"));
    }
}
