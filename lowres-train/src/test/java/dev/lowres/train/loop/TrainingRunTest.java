package dev.lowres.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() throws Exception {
        data = TinyData.write(shared.resolve("tiny"), 4, 160, 40, 8);
    }

    static Recipe recipe(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("model=wrn-12-1", "epochs=3", "batch_size=16", "schedule.kind=cosine",
                "schedule.lr=0.05", "schedule.warmup_epochs=1", "log_every_steps=1", "data.augment=paper",
                "data.threads=2", "ema.decay=0.9", "label_smoothing=0.1",
                "data.mirror_copies=false")); // 10 steps an epoch; thePapersEpochHoldsEveryImageAndItsMirror checks them
        all.addAll(List.of(overrides));
        return Recipes.resolve("imagenet32-paper", all);
    }

    static TrainingRun.Result train(Path out, Recipe recipe, boolean resume, long stopAtStep) throws Exception {
        return train(out, recipe, resume, stopAtStep, Precision.FP32);
    }

    static TrainingRun.Result train(Path out, Recipe recipe, boolean resume, long stopAtStep, Precision precision)
            throws Exception {
        TrainingRun[] run = new TrainingRun[1];
        run[0] = new TrainingRun(new RunOptions(data, out, recipe, Device.cpu(), precision, true, resume,
                List.of("test")),
                new TrainListener() {
                    @Override
                    public void step(int epoch, int batch, long step, double loss, double lr, double ips) {
                        if (step == stopAtStep) {
                            run[0].requestStop();
                        }
                    }
                });
        return run[0].run();
    }

    static List<String> stepLosses(Path run) throws Exception {
        List<String> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.path("type").asText().equals("step")) {
                losses.add(n.path("step").asLong() + ":" + n.path("loss").asText() + ":" + n.path("lr").asText());
            }
        }
        return losses;
    }

    @Test
    void aRunLearnsWritesItsDirectoryAndResumesExactly() throws Exception {
        Recipe recipe = recipe();
        Path whole = dir.resolve("whole");
        TrainingRun.Result a = train(whole, recipe, false, -1);
        assertEquals(30, a.steps(), "3 epochs of 10 batches of 16 (the last partial batch dropped)");
        assertTrue(a.last().valTop1() > 0.5, "well above the 25% chance of 4 classes: " + a.last());
        assertTrue(Files.exists(whole.resolve(RunDirectory.CONFIG)));
        assertTrue(Files.exists(whole.resolve(RunDirectory.BEST)));
        Safetensors.Contents exported = Safetensors.read(whole.resolve(RunDirectory.EXPORT));
        assertTrue(exported.tensors().size() > 10);
        assertEquals("wrn-12-1", exported.metadata().get("model"));

        Path split = dir.resolve("split");
        TrainingRun.Result stopped = train(split, recipe, false, 13);
        assertTrue(stopped.stopped());
        assertEquals(13, stopped.steps());
        TrainingRun.Result resumed = train(split, recipe, true, -1);
        assertEquals(30, resumed.steps());
        assertEquals(stepLosses(whole), stepLosses(split), "the resumed run's loss curve is the uninterrupted one's");
        Map<String, Safetensors.Tensor> w1 = Safetensors.read(whole.resolve(RunDirectory.EXPORT)).tensors();
        Map<String, Safetensors.Tensor> w2 = Safetensors.read(split.resolve(RunDirectory.EXPORT)).tensors();
        for (String name : w1.keySet()) {
            assertArrayEquals(w1.get(name).data(), w2.get(name).data(), name);
        }
        Safetensors.Contents ema1 = Safetensors.read(whole.resolve(RunDirectory.LAST));
        Safetensors.Contents ema2 = Safetensors.read(split.resolve(RunDirectory.LAST));
        for (String name : ema1.tensors().keySet()) {
            assertArrayEquals(ema1.tensors().get(name).data(), ema2.tensors().get(name).data(), name);
        }
    }

    /** Every metrics line but its timings. */
    static List<String> metricLines(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Json.mapper().readTree(line);
            n.remove(List.of("seconds", "images_per_second"));
            out.add(n.toString());
        }
        return out;
    }

    @Test
    void aRunStoppedAfterAnEpochsLastBatchWritesTheSameEpochLineOnResume() throws Exception {
        Recipe recipe = recipe();
        Path whole = dir.resolve("whole");
        train(whole, recipe, false, -1);
        Path split = dir.resolve("split");
        // step 20 is epoch 1's last batch: the checkpoint holds the whole epoch, its epoch line is not written yet
        assertTrue(train(split, recipe, false, 20).stopped());
        train(split, recipe, true, -1);
        assertEquals(metricLines(whole), metricLines(split), "the epoch line after the resume (its lr is the last "
                + "step's, as in the uninterrupted run)");
    }

    @Test
    void thePapersEpochHoldsEveryImageAndItsMirror() throws Exception {
        Recipe paper = recipe("data.mirror_copies=true", "epochs=1", "schedule.warmup_epochs=0");
        assertTrue(Recipes.resolve("imagenet32-paper", List.of()).data().mirrorCopies(), "the paper's recipe");
        TrainingRun.Result r = train(dir.resolve("mirrored"), paper, false, -1);
        assertEquals(20, r.steps(), "160 records and their 160 mirrors in batches of 16");
    }

    @Test
    void theSameRunTwiceGivesTheSameBytes() throws Exception {
        Recipe recipe = recipe("epochs=1", "schedule.warmup_epochs=0");
        train(dir.resolve("one"), recipe, false, -1);
        train(dir.resolve("two"), recipe, false, -1);
        assertArrayEquals(Files.readAllBytes(dir.resolve("one").resolve(RunDirectory.EXPORT)),
                Files.readAllBytes(dir.resolve("two").resolve(RunDirectory.EXPORT)), "model.safetensors, byte for byte");
    }

    @Test
    void bf16AutocastTrainsWithFp32MasterWeights() throws Exception {
        Path out = dir.resolve("bf16");
        TrainingRun.Result r = train(out, recipe(), false, -1, Precision.BF16);
        assertTrue(r.last().valTop1() > 0.5, "bf16 learns too: " + r.last());
        // the master weights stay fp32: trained in bf16, they still use the 16 mantissa bits bf16 lacks
        float[] w = Safetensors.read(out.resolve(RunDirectory.EXPORT)).tensors().get("blocks.1.conv1.weight").data();
        long fp32Only = 0;
        for (float f : w) {
            fp32Only += (Float.floatToRawIntBits(f) & 0xffff) != 0 ? 1 : 0;
        }
        assertTrue(fp32Only > w.length / 2, fp32Only + " of " + w.length + " weights are not bf16 values");
        assertEquals("bf16", Json.mapper().readTree(out.resolve(RunDirectory.RUN).toFile()).path("precision").asText());
    }

    @Test
    void aDivergingRunStopsWithItsStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = dir.resolve("nan");
        Recipe recipe = recipe("epochs=3", "schedule.kind=step", "schedule.milestones=[1]", "schedule.factor=1e12",
                "schedule.warmup_epochs=0", "ema.decay=0");
        TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> train(out, recipe, false, -1));
        assertTrue(e.step() >= 10, "diverges after the first epoch's checkpoint: step " + e.step());
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        Safetensors.Contents last = Safetensors.read(out.resolve(RunDirectory.LAST));
        assertEquals("1", last.metadata().get("epoch"), "the checkpoint of the last good epoch");
        String metrics = Files.readString(out.resolve(RunDirectory.METRICS));
        assertTrue(metrics.contains("\"type\":\"error\""), metrics);
    }

    @Test
    void aCheckpointIsNeverWrittenFromNonFiniteWeights() throws Exception {
        Path out = dir.resolve("blowup");
        Recipe recipe = recipe("schedule.kind=constant", "schedule.lr=1e6", "schedule.warmup_epochs=0",
                "checkpoint_every_steps=1", "ema.decay=0");
        TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> train(out, recipe, false, -1));
        Path last = out.resolve(RunDirectory.LAST);
        if (Files.exists(last)) {
            assertTrue(e.getMessage().contains("last good checkpoint is kept in"), e.getMessage());
            for (var t : Safetensors.read(last).tensors().entrySet()) {
                for (float f : t.getValue().data()) {
                    assertTrue(Float.isFinite(f), t.getKey() + " holds " + f);
                }
            }
        } else {
            assertTrue(e.getMessage().contains("no checkpoint had been written yet"), e.getMessage());
        }
        if (Files.exists(last)) {
            // a good checkpoint is finished work: the directory is not started over by accident
            IllegalArgumentException kept = assertThrows(IllegalArgumentException.class,
                    () -> train(out, recipe(), false, -1));
            assertTrue(kept.getMessage().contains("--resume"), kept.getMessage());
        } else {
            // nothing to keep: the same command again starts over
            assertEquals(30, train(out, recipe(), false, -1).steps());
        }
    }

    @Test
    void aRunThatFailedBeforeItsFirstCheckpointCanBeRerunOrResumed() throws Exception {
        Path out = dir.resolve("early");
        // a run killed before its first checkpoint: everything but the checkpoints and the final weights
        train(out, recipe("epochs=1", "schedule.warmup_epochs=0"), false, -1);
        Files.delete(out.resolve(RunDirectory.LAST));
        Files.delete(out.resolve(RunDirectory.BEST));
        Files.delete(out.resolve(RunDirectory.EXPORT));
        TrainingRun.Result resumed = train(out, recipe("epochs=1", "schedule.warmup_epochs=0"), true, -1);
        assertEquals(10, resumed.steps(), "resumed from nothing: started over with the run's own recipe");
        assertEquals(10, stepLosses(out).size(), "the old metrics lines are gone");
        Path other = dir.resolve("early2");
        assertThrows(RuntimeException.class, () -> train(other, recipe("batch_size=100000"), false, -1));
        TrainingRun.Result rerun = train(other, recipe("epochs=1", "schedule.warmup_epochs=0"), false, -1);
        assertEquals(10, rerun.steps());
    }

    @Test
    void aRunDirectoryIsNotReusedByAccident() throws Exception {
        Path out = dir.resolve("once");
        train(out, recipe("epochs=1", "schedule.warmup_epochs=0"), false, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(out, recipe("epochs=1", "schedule.warmup_epochs=0"), false, -1));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> train(dir.resolve("empty"), recipe(), true, -1));
        assertTrue(none.getMessage().contains("no run to resume"), none.getMessage());
    }
}
