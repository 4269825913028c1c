package dev.lowres.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.export.Safetensors;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.run.Checkpoint;
import dev.lowres.train.run.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Magnitude pruning in a run: the sparsity reached, exact zeros kept, exact resume, fine-tuning from a run. */
class PruningRunTest {
    @TempDir
    static Path shared;
    static Path base;

    @TempDir
    Path dir;

    @BeforeAll
    static void base() throws Exception {
        TrainingRunTest.data = TinyData.write(shared.resolve("tiny"), 4, 160, 40, 8);
        base = shared.resolve("base");
        TrainingRunTest.train(base, TrainingRunTest.recipe("model=wrn-16-2"), false, -1);
    }

    static Recipe pruned(String... overrides) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("model=wrn-16-2", "start_from=" + base,
                "prune.method=magnitude", "prune.amount=0.8", "schedule.lr=0.01", "schedule.warmup_epochs=0"));
        all.addAll(List.of(overrides));
        return TrainingRunTest.recipe(all.toArray(String[]::new));
    }

    /** Zeros over elements of the convolution and linear weights in {@code tensors} (names starting {@code prefix}). */
    static double sparsity(Map<String, Safetensors.Tensor> tensors, String prefix) {
        long zeros = 0;
        long total = 0;
        for (Map.Entry<String, Safetensors.Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(prefix) && name.endsWith("weight") && e.getValue().shape().length >= 2) {
                for (float v : e.getValue().data()) {
                    zeros += v == 0 ? 1 : 0;
                }
                total += e.getValue().data().length;
            }
        }
        return (double) zeros / total;
    }

    @Test
    void oneShotPruningFineTunedFromARunKeepsItsZerosAndItsAccuracy() throws Exception {
        Path out = dir.resolve("p80");
        TrainingRun.Result r = TrainingRunTest.train(out, pruned("prune.schedule=oneshot"), false, -1);
        Map<String, Safetensors.Tensor> w = Safetensors.read(out.resolve(RunDirectory.EXPORT)).tensors();
        assertEquals(0.8, sparsity(w, ""), 1e-3, "80% of the convolution and linear weights are exact zeros");
        assertTrue(r.last().valTop1() > 0.5, "fine-tuned from a trained run: " + r.last());
        // the weight average holds the same zeros
        Safetensors.Contents last = Safetensors.read(out.resolve(RunDirectory.LAST));
        assertTrue(sparsity(last.tensors(), Checkpoint.EMA) >= 0.8 - 1e-3);
        // started from the base run's weights: its first loss is far below a fresh network's
        double firstLoss = Double.parseDouble(TrainingRunTest.stepLosses(out).get(0).split(":")[1]);
        double freshLoss = Double.parseDouble(TrainingRunTest.stepLosses(base).get(0).split(":")[1]);
        assertTrue(firstLoss < freshLoss, firstLoss + " vs a fresh network's " + freshLoss);
    }

    @Test
    void gradualPruningFollowsItsScheduleAndResumesExactly() throws Exception {
        Recipe recipe = pruned("prune.schedule=gradual", "prune.end=0.6", "prune.every_steps=3");
        Path whole = dir.resolve("whole");
        TrainingRunTest.train(whole, recipe, false, -1);
        assertEquals(0.8, sparsity(Safetensors.read(whole.resolve(RunDirectory.EXPORT)).tensors(), ""), 1e-3);

        Path split = dir.resolve("split");
        assertTrue(TrainingRunTest.train(split, recipe, false, 10).stopped());
        // 30 steps, end at step 18, rises every 3: steps 0-9 done, the sparsity of step 9 in force
        double expected = TrainingRun.sparsity(recipe, 10).at(9);
        assertEquals(0.8 * (1 - Math.pow(1 - 9.0 / 18, 3)), expected, 1e-12);
        assertEquals(expected, sparsity(Safetensors.read(split.resolve(RunDirectory.LAST)).tensors(),
                Checkpoint.MODEL), 1e-3);
        TrainingRunTest.train(split, recipe, true, -1);
        assertEquals(TrainingRunTest.stepLosses(whole), TrainingRunTest.stepLosses(split));
        Map<String, Safetensors.Tensor> w1 = Safetensors.read(whole.resolve(RunDirectory.EXPORT)).tensors();
        Map<String, Safetensors.Tensor> w2 = Safetensors.read(split.resolve(RunDirectory.EXPORT)).tensors();
        for (String name : w1.keySet()) {
            assertArrayEquals(w1.get(name).data(), w2.get(name).data(), name);
        }
    }

    @Test
    void aDoReFaRunTrainsWithKBitWeightsAndActivationsAndResumesExactly() throws Exception {
        Recipe recipe = TrainingRunTest.recipe("model=wrn-16-2", "quantize=dorefa:w2a2");
        Path whole = dir.resolve("dorefa");
        TrainingRun.Result r = TrainingRunTest.train(whole, recipe, false, -1);
        assertTrue(r.last().valTop1() > 0.5, "2-bit weights and activations still learn the 4 classes: " + r.last());
        Path plain = dir.resolve("plain");
        TrainingRunTest.train(plain, TrainingRunTest.recipe("model=wrn-16-2"), false, -1);
        assertTrue(!TrainingRunTest.stepLosses(plain).equals(TrainingRunTest.stepLosses(whole)));
        Path split = dir.resolve("split");
        assertTrue(TrainingRunTest.train(split, recipe, false, 13).stopped());
        TrainingRunTest.train(split, recipe, true, -1);
        assertEquals(TrainingRunTest.stepLosses(whole), TrainingRunTest.stepLosses(split));
        assertThrows(IllegalArgumentException.class, () -> TrainingRunTest.recipe("quantize=dorefa:w16a4"));
    }

    @Test
    void badPruningAndStartingPointsAreRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pruned("prune.amount=1"));
        assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pruned("prune.method=lottery"));
        e = assertThrows(IllegalArgumentException.class, () -> pruned("prune.schedule=weekly"));
        assertTrue(e.getMessage().contains("prune.schedule must be oneshot, gradual: weekly"), e.getMessage());
        assertEquals(dev.lowres.train.recipe.PruneSchedule.ONESHOT, pruned("prune.schedule= OneShot").prune().schedule());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingRunTest.train(dir.resolve("x"),
                pruned("model=wrn-16-1"), false, -1));
        assertTrue(e.getMessage().contains("trained wrn-16-2, not wrn-16-1"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TrainingRunTest.train(dir.resolve("y"),
                pruned("start_from=" + dir.resolve("nowhere")), false, -1));
    }
}
