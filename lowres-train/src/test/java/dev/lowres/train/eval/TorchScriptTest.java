package dev.lowres.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.Json;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network traced in PyTorch (Debian's python3-torch) is evaluated by lowres: its logits equal PyTorch's on
 * the same batch, and {@code Evaluation} runs on it as on a trained run. Skipped without python3-torch.
 */
class TorchScriptTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path traced;

    @BeforeAll
    static void trace() throws Exception {
        Path script = dir.resolve("trace_small_net.py");
        try (InputStream in = TorchScriptTest.class.getResourceAsStream("trace_small_net.py")) {
            Files.copy(in, script);
        }
        data = EvalFixture.data(dir.resolve("tiny"));
        traced = Files.createDirectories(dir.resolve("traced"));
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", script.toString(), traced.toString(), "4", "8")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 not installed: " + e.getMessage());
            return;
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        Assumptions.assumeFalse(output.contains("No module named 'torch'"),
                "python3-torch not installed (apt-get install python3-torch)");
        assertEquals(0, p.exitValue(), output);
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static Path run(String name) throws Exception {
        List<String> wnids = Dataset.open(data).manifest().classes().stream().map(c -> c.wnid()).toList();
        return ScriptedRun.create(traced.resolve("model.pt"), wnids, data, ScriptedRun.IMAGENET_MEAN,
                ScriptedRun.IMAGENET_STD, dir.resolve(name), List.of("test"));
    }

    @Test
    void theLogitsArePyTorchs() throws Exception {
        float[] input = floats(traced.resolve("input.f32"));
        float[] expected = floats(traced.resolve("logits.f32"));
        RunInfo info = RunInfo.load(run("logits"));
        try (TrainedModel model = TrainedModel.load(info, RunInfo.Weights.AUTO, Device.cpu(), Precision.FP32, true);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            assertEquals(ScriptedRun.MODEL, model.name());
            // 8 x 3 x 3 x 3 + 2 x 8 + (16 x 8 x 9 + 16) + 2 x 16 + (16 x 4 + 4)
            assertEquals(216 + 16 + 1168 + 32 + 68, model.parameters());
            Tensor logits = model.logitsOfNormalised(Tensors.floats(input, Device.cpu(), 4, 3, 8, 8));
            float[] got = Tensors.toFloats(logits);
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void evaluationRunsOnATracedNetwork() throws Exception {
        Path runDir = run("eval");
        Path out = dir.resolve("eval-out");
        Evaluation.Outcome o = Evaluation.run(new Evaluation.Options(runDir, RunInfo.Weights.AUTO, data, null, out,
                16, false, null, null, List.of(), 0, null, false, 0, 0, 2, List.of("test")), Device.cpu(),
                Precision.FP32, true, new Evaluation.Listener() { });
        var metrics = Json.mapper().readTree(out.resolve(Evaluation.METRICS).toFile());
        assertEquals(ScriptedRun.MODEL, metrics.path("run").path("model").asText());
        double top1 = metrics.path("accuracy").path("top1").asDouble();
        assertTrue(top1 >= 0 && top1 <= 1, "top-1 " + top1);
        assertEquals(o.out(), out);
    }

    @Test
    void aBadClassListOrFileIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScriptedRun.create(traced.resolve("model.pt"),
                List.of("n01440764", "n01440764"), data, ScriptedRun.IMAGENET_MEAN, ScriptedRun.IMAGENET_STD,
                dir.resolve("bad"), List.of()));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ScriptedRun.create(dir.resolve("none.pt"),
                List.of("n01440764"), data, ScriptedRun.IMAGENET_MEAN, ScriptedRun.IMAGENET_STD, dir.resolve("bad2"),
                List.of()));
    }
}
