package dev.lowres.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class DoReFaTest {
    @Test
    void kBitsGiveTwoToTheKLevelsAndTheGradientOfTheIdentity() {
        dev.lowres.train.engine.Torch.load();
        try (PointerScope scope = new PointerScope()) {
            float[] v = new float[101];
            for (int i = 0; i < v.length; i++) {
                v[i] = i / 100f;
            }
            Tensor x = Tensors.floats(v, Device.cpu(), v.length);
            x.set_requires_grad(true);
            Tensor q = DoReFa.quantize(x, 2);
            TreeSet<Float> levels = new TreeSet<>();
            for (float f : Tensors.toFloats(q)) {
                levels.add(f);
            }
            assertEquals(new TreeSet<>(java.util.List.of(0f, 1f / 3, 2f / 3, 1f)), levels);
            q.sum().backward();
            float[] ones = new float[v.length];
            java.util.Arrays.fill(ones, 1);
            assertArrayEquals(ones, Tensors.toFloats(x.grad()), "straight through");
        }
    }

    @Test
    void aQuantizedNetworkComputesWithKBitWeightsAndInputsButItsFirstConvolution() {
        var net = ModelRegistry.create("wrn-16-1", 3, 16, 4);
        try (Model m = Model.create(net, Device.cpu(), 1, false); PointerScope scope = new PointerScope();
             NoGradGuard g = new NoGradGuard()) {
            DoReFa q = m.quantizers(dev.lowres.train.recipe.Quantization.parse("dorefa:w2a3"));
            assertEquals("stem.conv.weight", q.firstConv());
            assertEquals(2, q.weightBits());
            assertEquals(3, q.activationBits());
            assertNull(m.quantizers(dev.lowres.train.recipe.Quantization.NONE), "no quantizers without quantize");
            Param stem = m.param("stem.conv.weight");
            Param conv = m.param("blocks.1.conv1.weight");
            Tensor image = Tensors.floats(new float[2 * 3 * 16 * 16], Device.cpu(), 2, 3, 16, 16).add(
                    new org.bytedeco.pytorch.Scalar(3.0));
            float[] plain;
            try (DoReFa.Scope s = DoReFa.enter(q)) {
                assertArrayEquals(Tensors.toFloats(stem.value()), Tensors.toFloats(DoReFa.weight(stem)));
                assertArrayEquals(Tensors.toFloats(image), Tensors.toFloats(DoReFa.input(stem, image)),
                        "the image is not clipped");
                TreeSet<Float> levels = new TreeSet<>();
                for (float f : Tensors.toFloats(DoReFa.weight(conv))) {
                    levels.add(f);
                }
                assertTrue(levels.size() <= 4 && levels.first() >= -1 && levels.last() <= 1, levels.toString());
                float[] in = Tensors.toFloats(DoReFa.input(conv, image));
                assertTrue(in[0] == 1f, "clipped to [0, 1]");
                plain = Tensors.toFloats(m.forward(image, false));
            }
            assertNotEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(
                    Tensors.toFloats(m.forward(image, false))), "outside the scope: full precision");
            assertEquals(stem.value().numel(), DoReFa.weight(stem).numel());
        }
        assertThrows(IllegalArgumentException.class, () -> new DoReFa(9, 4, "x"));
        assertEquals(1, new DoReFa(1, 32, "x").weightBits());
    }
}
