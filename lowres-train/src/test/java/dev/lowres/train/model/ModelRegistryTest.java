package dev.lowres.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every registered network runs forward and backward, and its counted parameters are DJL's. */
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
    void forwardAndBackwardAndTheCountedParametersAreDjls(String name, int size) {
        Network net = ModelRegistry.create(name, 3, size, 10);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            net.block().initialize(manager, DataType.FLOAT32, new Shape(2, 3, size, size));
            long trainable = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable += p.getValue().getArray().size();
                }
            }
            assertEquals(trainable, net.parameters(), name + ": counted parameters");
            NDArray x = manager.randomNormal(new Shape(2, 3, size, size));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = net.block().forward(new ParameterStore(manager, false), new NDList(x), true);
                assertEquals(new Shape(2, 10), out.singletonOrThrow().getShape());
                NDArray loss = out.singletonOrThrow().pow(2).mean();
                gc.backward(loss);
            }
            long withGradient = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                Parameter param = p.getValue();
                if (param.requiresGradient() && param.getArray().getGradient().abs().sum().getFloat() > 0) {
                    withGradient++;
                }
            }
            assertTrue(withGradient > 0, name + ": gradients reach the parameters");
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
