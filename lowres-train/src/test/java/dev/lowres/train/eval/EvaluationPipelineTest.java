package dev.lowres.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Json;
import dev.lowres.train.loop.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EvaluationPipelineTest {
    @TempDir
    static Path shared;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = EvalFixture.data(shared.resolve("tiny"));
        run = EvalFixture.train(data, shared.resolve("run")); // the paper's mean-image normalisation
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void inputStatisticsNormaliseAsTheTrainingLoaderDoes(Normalization normalization) throws Exception {
        LoaderConfig.Builder base = LoaderConfig.builder().data(data).split("val").batchSize(40)
                .order(EpochOrder.SEQUENTIAL).normalization(normalization).statisticsSplit("train").threads(1);
        try (Loader floats = Loader.open(base.build());
             Loader bytes = Loader.open(base.output(LoaderConfig.Output.UINT8).build());
             Epoch f = floats.epoch(0); Epoch u = bytes.epoch(0);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            InputStats stats = InputStats.of(floats);
            Path dir = shared.resolve("stats-" + normalization.id());
            Files.createDirectories(dir);
            stats.write(dir);
            InputStats reread = InputStats.read(dir);
            Batch fb = f.next();
            float[] expected = new float[fb.size() * 3 * 8 * 8];
            fb.images().asFloatBuffer().get(expected);
            Batch ub = u.next();
            NDArray pixels = CleanPass.pixels(m, ub.images(), new Shape(ub.size(), 3, 8, 8));
            float[] actual = reread.apply(pixels).toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "value " + i);
            }
        }
    }

    @Test
    void aRunRecordsWhatEvaluationNeeds() throws Exception {
        JsonNode recorded = Json.mapper().readTree(run.resolve(TrainingRun.RUN).toFile());
        assertEquals(4, recorded.path("classes").size());
        assertEquals("c2", recorded.path("classes").get(2).path("wnid").asText());
        assertEquals(8, recorded.path("image").path("height").asInt());
        RunInfo info = RunInfo.load(run);
        assertEquals(Normalization.MEAN_IMAGE, info.input().normalization());
        assertEquals(3 * 8 * 8, info.input().meanImage().length);
        assertEquals(List.of("c0", "c1", "c2", "c3"), info.wnids());
    }

    @Test
    void theCleanPassReproducesTheRunsOwnValidation() throws Exception {
        RunInfo info = RunInfo.load(run);
        double trainingTop1 = lastValTop1(run);
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.FINAL, Device.cpu())) {
            Predictions p = CleanPass.run(model, data, "val", ClassMapping.of(
                    dev.lowres.data.store.Dataset.open(data).manifest().classes(), null, info.classes()), 16, false, 2,
                    done -> { });
            assertEquals(40, p.size());
            assertEquals("val0", p.keys().get(0));
            assertEquals(trainingTop1, top1(p), 1.0 / 40 + 1e-9, "evaluation equals training's val top-1");
            assertTrue(trainingTop1 > 0.5, "the run learned: " + trainingTop1);
            // flip TTA averages probabilities: still a distribution
            Predictions flipped = CleanPass.run(model, data, "val", ClassMapping.of(
                    dev.lowres.data.store.Dataset.open(data).manifest().classes(), null, info.classes()), 16, true, 2,
                    done -> { });
            float sum = 0;
            for (float v : flipped.probabilities(3)) {
                sum += v;
            }
            assertEquals(1f, sum, 1e-4);
        }
    }

    @Test
    void classesAreMatchedByWnidNeverByNumber() throws Exception {
        Path reversed = EvalFixture.reversedClasses(data, shared.resolve("reversed"), false);
        RunInfo info = RunInfo.load(run);
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.FINAL, Device.cpu())) {
            ClassMapping mapping = ClassMapping.of(dev.lowres.data.store.Dataset.open(reversed).manifest().classes(),
                    null, info.classes());
            assertTrue(!mapping.identity());
            Predictions p = CleanPass.run(model, reversed, "val", mapping, 16, false, 1, done -> { });
            assertEquals(lastValTop1(run), top1(p), 1.0 / 40 + 1e-9);
        }
        Path extra = EvalFixture.reversedClasses(data, shared.resolve("extra"), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassMapping.of(
                dev.lowres.data.store.Dataset.open(extra).manifest().classes(), new long[] {10, 10, 10, 10, 1},
                info.classes()));
        assertTrue(e.getMessage().contains("n99999999 'unknown thing'"), e.getMessage());
        assertTrue(e.getMessage().contains("by wnid"), e.getMessage());
        // a class without records need not be known
        ClassMapping.of(dev.lowres.data.store.Dataset.open(extra).manifest().classes(), new long[] {10, 10, 10, 10, 0},
                info.classes());
    }

    @Test
    void aRunWithoutWeightsSaysSo() throws Exception {
        Path copy = shared.resolve("no-weights");
        Files.createDirectories(copy);
        for (String f : List.of(TrainingRun.CONFIG, TrainingRun.RUN, InputStats.FILE)) {
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        RunInfo info = RunInfo.load(copy);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> info.weightsFile(RunInfo.Weights.AUTO));
        assertTrue(e.getMessage().contains("no weights"), e.getMessage());
        IllegalArgumentException notRun = assertThrows(IllegalArgumentException.class,
                () -> RunInfo.load(data));
        assertTrue(notRun.getMessage().contains("not a lowres run"), notRun.getMessage());
    }

    static double top1(Predictions p) {
        int correct = 0;
        for (int i = 0; i < p.size(); i++) {
            float[] s = p.scores()[i];
            int best = 0;
            for (int c = 1; c < s.length; c++) {
                if (s[c] > s[best]) {
                    best = c;
                }
            }
            correct += best == p.labels()[i] ? 1 : 0;
        }
        return (double) correct / p.size();
    }

    static double lastValTop1(Path run) throws Exception {
        double v = Double.NaN;
        for (String line : Files.readAllLines(run.resolve(TrainingRun.METRICS))) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.path("type").asText().equals("epoch")) {
                v = n.path("val_top1").asDouble();
            }
        }
        return v;
    }
}
