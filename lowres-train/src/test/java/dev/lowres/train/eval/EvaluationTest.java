package dev.lowres.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.corrupt.Corruption;
import dev.lowres.data.store.Json;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    @TempDir
    static Path shared;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = EvalFixture.data(shared.resolve("tiny"));
        run = EvalFixture.train(data, shared.resolve("run"), "data.normalization=channel");
    }

    static Evaluation.Options options(Path out, Path labels, List<Corruption> corruptions, Attacks.Settings attack,
                                      int robustRecords) {
        return new Evaluation.Options(run, RunInfo.Weights.AUTO, null, null, out, 16, false, null, labels,
                corruptions, robustRecords, attack, true, 5, 0, 2, List.of("lowres", "eval"));
    }

    @Test
    void everyMetricIsWrittenAndAgreesWithTheRunAndItself() throws Exception {
        // a multi-label file: every record of class c0 also accepts c1
        StringBuilder labels = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            labels.append(i == 0 ? "" : ",").append("\"val").append(i).append("\": [\"c").append(i % 4).append('"')
                    .append(i % 4 == 0 ? ", \"c1\"" : "").append(']');
        }
        Path file = Files.writeString(shared.resolve("labels.json"), labels + "}");
        Path out = shared.resolve("eval-all");
        Evaluation.Outcome o = Evaluation.run(options(out, file, List.of(Corruption.GAUSSIAN_NOISE,
                Corruption.CONTRAST), new Attacks.Settings(16, 3, 8, 0), 0), Device.cpu(), Precision.FP32, true,
                new Evaluation.Listener() { });
        JsonNode m = Json.mapper().readTree(out.resolve(Evaluation.METRICS).toFile());
        assertEquals(o.metrics(), Evaluation.read(out), "metrics.json reads back as the record written");
        assertEquals("lowres-eval/1", m.path("format").asText());
        assertEquals("val", m.path("data").path("split").asText(), "the recipe's validation split by default");
        assertEquals(40, m.path("data").path("records").asInt());
        double top1 = m.path("accuracy").path("top1").asDouble();
        assertEquals(EvaluationPipelineTest.lastValTop1(run), top1, 1.0 / 40 + 1e-9);
        assertTrue(m.path("accuracy").path("top5").asDouble() >= top1);
        assertEquals(4, m.path("accuracy").path("per_class").size());
        assertEquals("class 2", m.path("accuracy").path("per_class").get(2).path("name").asText());
        double top1Sum = 0;
        double top5Sum = 0;
        for (JsonNode c : m.path("accuracy").path("per_class")) {
            top1Sum += c.path("records").asInt() * c.path("top1").asDouble();
            top5Sum += c.path("records").asInt() * c.path("top5").asDouble();
        }
        assertEquals(top1, top1Sum / 40, 1e-5, "per-class top-1 adds up");
        assertEquals(m.path("accuracy").path("top5").asDouble(), top5Sum / 40, 1e-5, "per-class top-5 adds up");

        // multi-label: c0 records also accept c1, so multi-label top-1 >= original top-1
        JsonNode ml = m.path("multilabel");
        assertEquals(40, ml.path("labelled").asInt());
        assertTrue(ml.path("top1").asDouble() >= ml.path("original_top1").asDouble());
        assertEquals(top1, ml.path("original_top1").asDouble(), 1e-6);

        JsonNode cal = m.path("calibration");
        assertEquals(15, cal.path("reliability").size());
        long binned = 0;
        for (JsonNode b : cal.path("reliability")) {
            binned += b.path("count").asLong();
        }
        assertEquals(40, binned);
        assertTrue(cal.path("temperature").path("value").asDouble() > 0);
        assertEquals(20, cal.path("temperature").path("fit_records").asInt());

        // the robustness subset is the whole split here, so its clean accuracy is the clean pass's
        JsonNode r = m.path("robustness");
        assertEquals(40, r.path("records").asInt());
        assertEquals(top1, r.path("clean_top1").asDouble(), 1e-6);
        assertEquals(2, r.path("corruptions").size());
        assertEquals(5, r.path("corruptions").get(0).path("top1").size());
        JsonNode adv = r.path("adversarial");
        assertTrue(adv.path("fgsm_top1").asDouble() < top1, "a 16/255 FGSM step hurts: " + adv);
        // 3 steps of 8/255 can reach the 16/255 ball (3 of 4/255 could not): PGD is then at least as strong
        assertTrue(adv.path("pgd_top1").asDouble() <= adv.path("fgsm_top1").asDouble() + 0.1, adv.toString());

        JsonNode e = m.path("efficiency");
        assertTrue(e.path("parameters").asLong() > 1000);
        assertTrue(e.path("latency_ms_batch1").asDouble() > 0);
        assertTrue(e.path("throughput_images_per_second").asDouble() > 0);

        List<String> predictions = Files.readAllLines(out.resolve(Evaluation.PREDICTIONS));
        assertEquals(40, predictions.size());
        JsonNode first = Json.mapper().readTree(predictions.get(0));
        assertEquals("val0", first.path("key").asText());
        assertEquals(4, first.path("top5").size(), "top-5 of 4 classes is all 4");
        int wrong = 0;
        for (String line : predictions) {
            JsonNode p = Json.mapper().readTree(line);
            wrong += p.path("top5").get(0).asInt() != p.path("label").asInt() ? 1 : 0;
            // every record is labelled by the file: real_correct says whether its labels take the top-1
            int top = p.path("top5").get(0).asInt();
            int label = p.path("label").asInt();
            assertEquals(top == label || (label == 0 && top == 1), p.path("real_correct").asBoolean(), line);
        }
        assertEquals(Math.round(40 * (1 - top1)), wrong, "predictions.jsonl agrees with top-1");
        assertEquals(Math.min(5, wrong), m.path("mistakes").size());

        Path report = Evaluation.report(o);
        String html = Files.readString(report);
        assertTrue(html.contains("data:image/png;base64") || wrong == 0);
        assertTrue(html.contains("gaussian_noise"), "the corruption chart names its lines");
    }

    @Test
    void skippedSectionsSayWhyAndTheSubsetIsEvenlySpaced() throws Exception {
        Path out = shared.resolve("eval-min");
        Evaluation.run(new Evaluation.Options(run, RunInfo.Weights.LAST, data, "val", out, 7, true, null, null,
                List.of(), 10, null, false, 0, 0, 1, List.of()), Device.cpu(), Precision.FP32, true,
                new Evaluation.Listener() { });
        JsonNode m = Json.mapper().readTree(out.resolve(Evaluation.METRICS).toFile());
        assertTrue(m.path("multilabel").isNull());
        assertTrue(m.path("robustness").isNull());
        assertFalse(m.path("skipped").path("robustness").asText().isEmpty());
        assertTrue(m.path("accuracy").path("flip_tta").asBoolean());
        assertEquals("checkpoints/last.safetensors", m.path("run").path("checkpoint").asText());
        assertFalse(m.path("efficiency").has("latency_ms_batch1"));
        Subset s = Subset.of(dev.lowres.data.load.SplitView.open(data, "val", false),
                ClassMapping.of(dev.lowres.data.store.Dataset.open(data).manifest().classes(), null,
                        RunInfo.load(run).classes()), 10);
        assertEquals(List.of(0, 4, 8, 12, 16, 20, 24, 28, 32, 36), java.util.Arrays.stream(s.records()).boxed().toList());
    }

    @Test
    void attacksStayInTheirBallAndAZeroBallChangesNothing() throws Exception {
        RunInfo info = RunInfo.load(run);
        dev.lowres.data.load.SplitView view = dev.lowres.data.load.SplitView.open(data, "val", false);
        Subset subset = Subset.of(view, ClassMapping.of(dev.lowres.data.store.Dataset.open(data).manifest().classes(),
                null, info.classes()), 0);
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.AUTO, Device.cpu());
             PointerScope scope = new PointerScope()) {
            Attacks.Result none = Attacks.run(model, view, subset, new Attacks.Settings(0, 3, 1, 0), 16, n -> { });
            double clean = EvaluationPipelineTest.top1(CleanPass.run(model, data, "val", ClassMapping.of(
                    dev.lowres.data.store.Dataset.open(data).manifest().classes(), null, info.classes()), 16, false, 1,
                    n -> { }));
            assertEquals(clean, none.fgsmTop1(), 1e-9, "epsilon 0: FGSM is the clean image");
            assertEquals(clean, none.pgdTop1(), 1e-9, "epsilon 0: PGD is the clean image");

            // PGD's random start is a function of (seed, record): reruns repeat it, another seed moves it
            Attacks.Settings s7 = new Attacks.Settings(4, 2, 1, 7);
            float[] a7 = Attacks.randomStart(s7, subset.records(), 0, 3, 3 * 8 * 8);
            assertTrue(java.util.Arrays.equals(a7, Attacks.randomStart(s7, subset.records(), 0, 3, 3 * 8 * 8)));
            assertFalse(java.util.Arrays.equals(a7, Attacks.randomStart(new Attacks.Settings(4, 2, 1, 8),
                    subset.records(), 0, 3, 3 * 8 * 8)));
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(a7, 0, 192),
                    java.util.Arrays.copyOfRange(a7, 192, 384)), "records get their own start");
            for (float v : a7) {
                assertTrue(v >= -4 && v <= 4, "inside the ball: " + v);
            }
            Attacks.Result once = Attacks.run(model, view, subset, s7, 16, n -> { });
            assertEquals(once, Attacks.run(model, view, subset, s7, 7, n -> { }), "same numbers for any batch size");

            byte[] bytes = new byte[8 * 3 * 8 * 8];
            for (int i = 0; i < 8; i++) {
                view.read(i, bytes, i * 3 * 8 * 8);
            }
            Tensor x = Tensors.pixels(java.nio.ByteBuffer.wrap(bytes), Device.cpu(), 8, 3, 8, 8);
            Tensor y = Tensors.longs(java.util.Arrays.copyOf(subset.labels(), 8), Device.cpu());
            Tensor adv = x;
            for (int step = 0; step < 4; step++) {
                adv = Attacks.step(model, x, adv, y, 3, 4);
            }
            float[] a = Tensors.toFloats(adv);
            float[] c = Tensors.toFloats(x);
            boolean moved = false;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - c[i]) <= 4 + 1e-4, "inside the 4/255 ball at " + i);
                assertTrue(a[i] >= 0 && a[i] <= 255, "a valid pixel at " + i);
                moved |= a[i] != c[i];
            }
            assertTrue(moved, "the attack changes the image");
            // the gradient step raises the loss of the true labels (summed cross-entropy, computed here directly)
            double before = trueLabelLoss(model, x, y);
            double after = trueLabelLoss(model, adv, y);
            assertTrue(after > before, "loss " + before + " -> " + after);
            // the gradient is the input's only: the weights neither require nor receive one
            Tensor g = Attacks.gradient(model, x, y);
            assertEquals(8 * 3 * 8 * 8, g.numel());
            assertTrue(Tensors.toFloats(g.abs().sum())[0] > 0, "a gradient reaches the pixels");
            for (var p : model.params()) {
                assertFalse(p.value().requires_grad(), p.name() + " requires no gradient");
                assertFalse(p.value().grad().defined(), p.name() + " got no gradient");
            }
        }
    }

    /** The summed cross-entropy of the true labels, -sum log softmax(logits)[label]. */
    private static double trueLabelLoss(TrainedModel model, Tensor pixels, Tensor labels) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor logProbs = torch.log_softmax(model.logits(pixels), 1);
            return -logProbs.gather(1, labels.reshape(-1, 1)).sum().item_double();
        }
    }

    @Test
    void labelsThatDoNotFitAreRefusedBeforeAnyWork() throws Exception {
        Path bad = Files.writeString(shared.resolve("bad.json"), "{\"val0\": [\"n99999999\"]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Evaluation.run(
                options(shared.resolve("eval-bad"), bad, List.of(), null, 0), Device.cpu(),
                Precision.FP32, true, new Evaluation.Listener() { }));
        assertTrue(e.getMessage().contains("n99999999"), e.getMessage());
        Path real = Files.writeString(shared.resolve("real.json"), "[[0], [1]]");
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> Evaluation.run(
                new Evaluation.Options(run, RunInfo.Weights.AUTO, null, null, shared.resolve("eval-real"), 16, false,
                        real, null, List.of(), 0, null, false, 0, 0, 1, List.of()), Device.cpu(),
                Precision.FP32, true, new Evaluation.Listener() { }));
        assertTrue(r.getMessage().contains("val0"), "names the record without a validation number: "
                + r.getMessage());
    }
}
