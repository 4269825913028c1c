package dev.lowres.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.export.Safetensors;
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
                "data.threads=2", "ema.decay=0.9", "label_smoothing=0.1"));
        all.addAll(List.of(overrides));
        return Recipes.resolve("imagenet32-paper", all);
    }

    static TrainingRun.Result train(Path out, Recipe recipe, boolean resume, long stopAtStep) throws Exception {
        TrainingRun[] run = new TrainingRun[1];
        run[0] = new TrainingRun(new RunOptions(data, out, recipe, List.of(Device.cpu()), resume, List.of("test")),
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
        for (String line : Files.readAllLines(run.resolve(TrainingRun.METRICS))) {
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
        assertTrue(Files.exists(whole.resolve(TrainingRun.CONFIG)));
        assertTrue(Files.exists(whole.resolve(TrainingRun.BEST)));
        Safetensors.Contents exported = Safetensors.read(whole.resolve(TrainingRun.EXPORT));
        assertTrue(exported.tensors().size() > 10);
        assertEquals("wrn-12-1", exported.metadata().get("model"));

        Path split = dir.resolve("split");
        TrainingRun.Result stopped = train(split, recipe, false, 13);
        assertTrue(stopped.stopped());
        assertEquals(13, stopped.steps());
        TrainingRun.Result resumed = train(split, recipe, true, -1);
        assertEquals(30, resumed.steps());
        assertEquals(stepLosses(whole), stepLosses(split), "the resumed run's loss curve is the uninterrupted one's");
        Map<String, Safetensors.Tensor> w1 = Safetensors.read(whole.resolve(TrainingRun.EXPORT)).tensors();
        Map<String, Safetensors.Tensor> w2 = Safetensors.read(split.resolve(TrainingRun.EXPORT)).tensors();
        for (String name : w1.keySet()) {
            assertArrayEquals(w1.get(name).data(), w2.get(name).data(), name);
        }
    }

    @Test
    void aDivergingRunStopsWithItsStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = dir.resolve("nan");
        Recipe recipe = recipe("epochs=3", "schedule.kind=step", "schedule.milestones=[1]", "schedule.factor=1e12",
                "schedule.warmup_epochs=0", "ema.decay=0");
        TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> train(out, recipe, false, -1));
        assertTrue(e.step() >= 10, "diverges after the first epoch's checkpoint: step " + e.step());
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        Safetensors.Contents last = Safetensors.read(out.resolve(TrainingRun.LAST));
        assertEquals("1", last.metadata().get("epoch"), "the checkpoint of the last good epoch");
        String metrics = Files.readString(out.resolve(TrainingRun.METRICS));
        assertTrue(metrics.contains("\"type\":\"error\""), metrics);
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
        assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());
    }
}
