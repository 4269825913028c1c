package dev.lowres.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every registered network runs forward and backward, and its counted parameters are the declared ones. */
class ModelRegistryTest {
    static List<Arguments> examples() {
        List<Arguments> cases = new ArrayList<>();
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            for (String name : e.examples()) {
                if (name.equals("wrn-28-10")) {
                    continue; // 37M parameters: its count is checked below without a backward pass
                }
                for (int size : new int[] {16, 32, 64}) {
                    if (buildsAt(name, size)) {
                        cases.add(Arguments.of(name, size));
                    }
                }
            }
        }
        return cases;
    }

    /** Whether a network takes an input size (a WRN's depth fixes its number of stages). */
    static boolean buildsAt(String name, int size) {
        try {
            ModelRegistry.create(name, 3, size, 10);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void everyExampleBuildsAtSomeSize() {
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            for (String name : e.examples()) {
                assertTrue(buildsAt(name, 16) || buildsAt(name, 32) || buildsAt(name, 64), name);
            }
        }
    }

    @ParameterizedTest(name = "{0} at {1} px")
    @MethodSource("examples")
    void forwardAndBackwardAndTheCountedParametersAreTheDeclaredOnes(String name, int size) {
        Network net = ModelRegistry.create(name, 3, size, 10);
        assertEquals(net.declaredTrainable(), net.parameters(), name + ": counted parameters");
        for (boolean channelsLast : new boolean[] {false, true}) {
            try (Model model = Model.create(ModelRegistry.create(name, 3, size, 10), Device.cpu(), 1, channelsLast);
                 PointerScope scope = new PointerScope()) {
                float[] pixels = new float[2 * 3 * size * size];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) Math.sin(i * 0.37);
                }
                Tensor out = model.forward(Tensors.floats(pixels, Device.cpu(), 2, 3, size, size), true);
                assertEquals(Arrays.toString(new long[] {2, 10}), Arrays.toString(Tensors.shape(out)));
                out.square().mean().backward();
                long withGradient = 0;
                for (Param p : model.trainable()) {
                    Tensor g = p.value().grad();
                    if (g.defined() && g.abs().sum().item_double() > 0) {
                        withGradient++;
                    }
                }
                assertTrue(withGradient > model.trainable().size() / 2,
                        name + (channelsLast ? " channels-last" : "") + ": gradients reach the parameters (" + withGradient + " of " + model.trainable().size() + "; logits " + java.util.Arrays.toString(Tensors.toFloats(out))
                                + ")");
                for (Param p : model.params()) {
                    assertTrue(torch.isfinite(p.value()).all().item_bool(), p.name());
                }
            }
        }
    }

    @Test
    void initialWeightsDependOnlyOnTheSeedAndTheName() {
        try (Model a = Model.create(ModelRegistry.create("wrn-12-1", 3, 16, 10), Device.cpu(), 7, false);
             Model b = Model.create(ModelRegistry.create("wrn-12-1", 3, 16, 10), Device.cpu(), 7, true);
             Model c = Model.create(ModelRegistry.create("wrn-12-1", 3, 16, 10), Device.cpu(), 8, false)) {
            var va = a.values();
            var vb = b.values();
            var vc = c.values();
            for (String key : va.keySet()) {
                assertTrue(Arrays.equals(va.get(key), vb.get(key)), key + ": same seed, either memory format");
            }
            assertTrue(!Arrays.equals(va.get("stem.conv.weight"), vc.get("stem.conv.weight")), "another seed");
            float[] w = va.get("blocks.1.conv1.weight"); // 16 -> 16, 3x3: He normal std sqrt(2 / 144)
            double sum = 0;
            for (float f : w) {
                sum += f * f;
            }
            assertEquals(Math.sqrt(2.0 / 144), Math.sqrt(sum / w.length), 0.1 * Math.sqrt(2.0 / 144));
        }
    }

    @Test
    void wideResNetsHaveThePapersSizes() {
        Network wrn282 = ModelRegistry.create("wrn-28-2", 3, 32, 1000);
        assertEquals(1_596_216, wrn282.parameters(), "WRN-28-2 at 32 px (the paper: 1.6M)");
        Network wrn2810 = ModelRegistry.create("wrn-28-10", 3, 32, 1000);
        assertEquals(37.1e6, wrn2810.parameters(), 0.05e6, "WRN-28-10 at 32 px (the paper: 37.1M)");
        assertEquals(2, WideResNet.stages(16));
        assertEquals(4, WideResNet.stages(64));
        assertTrue(ModelRegistry.create("wrn-36-2", 3, 64, 1000).parameters() > wrn282.parameters(),
                "64 px adds a fourth stage");
    }

    /**
     * Parameters and MACs at 32 px, 1000 classes, as PyTorch counts them (forward hooks on Conv2d and Linear)
     * for the reference builds: kuangliu's CIFAR PreActResNet with the paper's final BN-ReLU, the PyramidNet
     * authors' code, torchvision's mobilenet_v2 with the stem's and the 24-channel stage's stride set to 1.
     */
    @Test
    void theOtherFamiliesHaveTheReferenceSizes() {
        assertCosts("preact-resnet-18", 11_680_040, 555_929_600);
        assertCosts("preact-resnet-34", 21_788_200, 1_159_909_376);
        assertCosts("preact-resnet-50", 25_541_672, 1_299_857_408);
        assertCosts("pyramidnet-110-48", 1_837_056, 403_876_864);
        assertCosts("pyramidnet-20-48", 375_195, 72_306_496);
        assertCosts("mobilenetv2", 3_504_872, 89_243_648);
        assertEquals(1_772_706, ModelRegistry.create("pyramidnet-110-48", 3, 32, 10).parameters(),
                "PyramidNet-110 (alpha 48) on CIFAR-10: the paper's 1.7M");
        // ViT-tiny, patch 4: 65 tokens of 192; per block qkv, projection, MLP and the two attention products
        long tokens = 65;
        long perBlock = tokens * (192 * 576 + 192 * 192 + 2 * 192 * 768) + 2 * tokens * tokens * 192;
        assertCosts("vit-tiny", 5_553_832, 192L * 3 * 16 * 64 + 12 * perBlock + 192 * 1000);
        assertEquals(3, MobileNetV2.downsamplings(32));
        assertEquals(2, MobileNetV2.downsamplings(16));
        assertEquals(4, MobileNetV2.downsamplings(64));
        assertEquals(5, MobileNetV2.downsamplings(224));
    }

    private static void assertCosts(String name, long parameters, long macs) {
        Network net = ModelRegistry.create(name, 3, 32, 1000);
        assertEquals(parameters, net.parameters(), name + ": parameters");
        assertEquals(macs, net.macs(), name + ": MACs");
    }

    @Test
    void familiesRejectWhatTheyCannotBuild() {
        IllegalArgumentException patch = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.create("vit-tiny", 3, 30, 10));
        assertTrue(patch.getMessage().contains("patch size 4 must divide the input size 30")
                && patch.getMessage().contains("vit-tiny-p5"), patch.getMessage());
        IllegalArgumentException pyramid = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.create("pyramidnet-100-48", 3, 32, 10));
        assertTrue(pyramid.getMessage().contains("6n + 2"), pyramid.getMessage());
        IllegalArgumentException preact = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.create("preact-resnet-20", 3, 32, 10));
        assertTrue(preact.getMessage().contains("18, 34"), preact.getMessage());
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.create("wrn28", 3, 32, 10));
        assertTrue(e.getMessage().contains("wrn-<depth>-<width>"), e.getMessage());
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.create("wrn-30-2", 3, 64, 10));
        assertTrue(depth.getMessage().contains("8n + 4") && depth.getMessage().contains("WRN-36-k at 64 px"),
                depth.getMessage());
    }
}
