package dev.lowres.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Json;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
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
             PointerScope scope = new PointerScope()) {
            InputStats stats = InputStats.of(floats);
            Path dir = shared.resolve("stats-" + normalization.id());
            Files.createDirectories(dir);
            stats.write(dir);
            InputStats reread = InputStats.read(dir);
            Batch fb = f.next();
            float[] expected = new float[fb.size() * 3 * 8 * 8];
            fb.images().asFloatBuffer().get(expected);
            Batch ub = u.next();
            float[] actual = Tensors.toFloats(reread.apply(Tensors.pixels(ub.images(), Device.cpu(), ub.size(), 3,
                    8, 8)));
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "value " + i);
            }
        }
    }

    @Test
    void aRunRecordsWhatEvaluationNeeds() throws Exception {
        JsonNode recorded = Json.mapper().readTree(run.resolve(RunDirectory.RUN).toFile());
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
    void checkpointAndExportHoldTheSameNetworkInAnyLayoutAndPrecision() throws Exception {
        RunInfo info = RunInfo.load(run);
        ClassMapping mapping = ClassMapping.of(dev.lowres.data.store.Dataset.open(data).manifest().classes(), null,
                info.classes());
        Predictions exported;
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.FINAL, Device.cpu(), Precision.FP32, true)) {
            assertEquals(run.resolve(RunDirectory.EXPORT), model.weightsFile());
            exported = CleanPass.run(model, data, "val", mapping, 16, false, 1, done -> { });
        }
        // the last checkpoint (model/ names) holds the weights that were exported (no prefix), here kept NCHW
        Predictions checkpoint;
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.LAST, Device.cpu(), Precision.FP32, false)) {
            assertEquals(run.resolve(RunDirectory.LAST), model.weightsFile());
            checkpoint = CleanPass.run(model, data, "val", mapping, 16, false, 1, done -> { });
        }
        double scale = 0;
        for (int i = 0; i < exported.size(); i++) {
            for (int c = 0; c < 4; c++) {
                scale = Math.max(scale, Math.abs(exported.scores()[i][c]));
                assertEquals(exported.scores()[i][c], checkpoint.scores()[i][c], 1e-4, "record " + i + ", class " + c);
            }
        }
        assertTrue(scale > 0.1, "logits that say something: " + scale);
        // bf16 autocast: the same network to bf16's ~3 significant digits, the same answers but for near-ties
        Predictions bf16;
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.FINAL, Device.cpu(), Precision.BF16, true)) {
            assertEquals(Precision.BF16, model.precision());
            bf16 = CleanPass.run(model, data, "val", mapping, 16, false, 1, done -> { });
        }
        double worst = 0;
        for (int i = 0; i < exported.size(); i++) {
            for (int c = 0; c < 4; c++) {
                worst = Math.max(worst, Math.abs(exported.scores()[i][c] - bf16.scores()[i][c]));
            }
        }
        assertTrue(worst > 0, "bf16 rounds somewhere");
        assertTrue(worst < 0.02 * scale, "bf16 logits within 2% of the largest logit: " + worst + " of " + scale);
        assertEquals(top1(exported), top1(bf16), 2.0 / 40 + 1e-9);
    }

    @Test
    void weightsOfAnotherModelShapeOrFormatAreRefused() throws Exception {
        RunInfo info = RunInfo.load(run);
        IllegalArgumentException ema = assertThrows(IllegalArgumentException.class,
                () -> TrainedModel.load(info, RunInfo.Weights.EMA, Device.cpu()));
        assertTrue(ema.getMessage().contains("no weight average"), ema.getMessage());

        Path copy = shared.resolve("tampered");
        Files.createDirectories(copy.resolve("checkpoints"));
        for (String f : List.of(RunDirectory.CONFIG, RunDirectory.RUN, InputStats.FILE)) {
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        Safetensors.Contents weights = Safetensors.read(run.resolve(RunDirectory.EXPORT));
        String first = weights.tensors().keySet().iterator().next();
        Map<String, Safetensors.Tensor> reshaped = new LinkedHashMap<>(weights.tensors());
        Safetensors.Tensor t = reshaped.get(first);
        reshaped.put(first, new Safetensors.Tensor(new long[] {t.data().length}, t.data()));
        Safetensors.write(copy.resolve(RunDirectory.EXPORT), reshaped, weights.metadata());
        IOException shape = assertThrows(IOException.class,
                () -> TrainedModel.load(RunInfo.load(copy), RunInfo.Weights.FINAL, Device.cpu()));
        assertTrue(shape.getMessage().contains(first + " has shape [" + t.data().length + "]"), shape.getMessage());

        Map<String, Safetensors.Tensor> missing = new LinkedHashMap<>(weights.tensors());
        missing.remove(first);
        Safetensors.write(copy.resolve(RunDirectory.EXPORT), missing, weights.metadata());
        IOException lacks = assertThrows(IOException.class,
                () -> TrainedModel.load(RunInfo.load(copy), RunInfo.Weights.FINAL, Device.cpu()));
        assertTrue(lacks.getMessage().contains("lacks parameter " + first), lacks.getMessage());

        Map<String, String> djl = new LinkedHashMap<>(weights.metadata());
        djl.put("format", "lowres-weights/1");
        Safetensors.write(copy.resolve(RunDirectory.EXPORT), weights.tensors(), djl);
        IOException old = assertThrows(IOException.class,
                () -> TrainedModel.load(RunInfo.load(copy), RunInfo.Weights.FINAL, Device.cpu()));
        assertTrue(old.getMessage().contains("DJL"), old.getMessage());

        Safetensors.Contents last = Safetensors.read(run.resolve(RunDirectory.LAST));
        Map<String, String> oldCheckpoint = new LinkedHashMap<>(last.metadata());
        oldCheckpoint.put("format", "lowres-checkpoint/1");
        Safetensors.write(copy.resolve(RunDirectory.LAST), last.tensors(), oldCheckpoint);
        IOException oldLast = assertThrows(IOException.class,
                () -> TrainedModel.load(RunInfo.load(copy), RunInfo.Weights.LAST, Device.cpu()));
        assertTrue(oldLast.getMessage().contains("lowres-checkpoint/1"), oldLast.getMessage());
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
        for (String f : List.of(RunDirectory.CONFIG, RunDirectory.RUN, InputStats.FILE)) {
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
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.path("type").asText().equals("epoch")) {
                v = n.path("val_top1").asDouble();
            }
        }
        return v;
    }
}
