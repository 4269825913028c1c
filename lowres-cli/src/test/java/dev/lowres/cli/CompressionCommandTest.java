package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --teacher, prune and the evaluation of their runs from the command line, with their errors. */
class CompressionCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path base;

    static CliTest.Run lowres(String... args) {
        return CliTest.lowres(args);
    }

    @BeforeAll
    static void trainABaseRun() {
        CliTest.Run synth = lowres("synth", "-o", dir.resolve("tree").toString(), "--seed", "0", "--classes", "3",
                "--train-per-class", "30", "--val-per-class", "8", "--min-side", "40", "--max-side", "60",
                "--no-broken-files", "-q");
        assertEquals(0, synth.code(), synth.err());
        data = dir.resolve("ds");
        CliTest.Run build = lowres("build", "-i", dir.resolve("tree").toString(), "-o", data.toString(), "-s", "16",
                "-q");
        assertEquals(0, build.code(), build.err());
        base = dir.resolve("base");
        CliTest.Run train = lowres("train", "-d", data.toString(), "-o", base.toString(), "-r", "demo", "-m",
                "wrn-12-2", "--epochs", "2", "-b", "30", "--set", "schedule.warmup_epochs=0", "-q");
        assertEquals(0, train.code(), train.err());
    }

    static JsonNode efficiency(Path run) throws Exception {
        CliTest.Run eval = lowres("eval", "--run", run.toString(), "--no-attacks", "--corruptions", "none", "-q");
        assertEquals(0, eval.code(), eval.out() + eval.err());
        try (var s = Files.list(run.resolve("eval"))) {
            Path metrics = s.findFirst().orElseThrow().resolve("metrics.json");
            return Json.mapper().readTree(metrics.toFile()).path("efficiency");
        }
    }

    @Test
    void channelPruningGivesASmallerNetworkThatEvaluates() throws Exception {
        Path out = dir.resolve("p50");
        CliTest.Run r = lowres("prune", "--run", base.toString(), "--method", "channels", "--amount", "0.5",
                "--finetune-epochs", "1", "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("wrn-12-2 -> wrn-12-2@16,16,32,32"), r.out());
        JsonNode before = efficiency(base);
        JsonNode surgery = efficiency(out.resolve("surgery"));
        JsonNode after = efficiency(out);
        assertTrue(after.path("parameters").asLong() < 0.7 * before.path("parameters").asLong(), after + " " + before);
        assertEquals(surgery.path("parameters"), after.path("parameters"));
        assertTrue(after.path("gflops_per_image").asDouble() < 0.6 * before.path("gflops_per_image").asDouble());
        CliTest.Run again = lowres("train", "--resume", out.toString(), "-q");
        assertEquals(0, again.code(), "a pruned run resumes as any run: " + again.err());
    }

    @Test
    void magnitudePruningLeavesZerosThatTheEvaluationCounts() throws Exception {
        Path out = dir.resolve("m80");
        CliTest.Run r = lowres("prune", "--run", base.toString(), "--method", "magnitude", "--amount", "0.8",
                "--schedule", "oneshot", "--finetune-epochs", "1", "-o", out.toString(), "-q");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode e = efficiency(out);
        assertEquals(0.8, e.path("weight_sparsity").asDouble(), 0.002);
        assertTrue(e.path("nonzero_parameters").asLong() < 0.4 * e.path("parameters").asLong(), e.toString());
        assertEquals(0.0, efficiency(base).path("weight_sparsity").asDouble());
    }

    static JsonNode metrics(Path run, String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("eval", "--run", run.toString(),
                "--corruptions", "none", "--no-efficiency", "-q"));
        args.addAll(java.util.List.of(extra));
        CliTest.Run eval = lowres(args.toArray(String[]::new));
        assertEquals(0, eval.code(), eval.out() + eval.err());
        try (var s = Files.list(run.resolve("eval"))) {
            return Json.mapper().readTree(s.findFirst().orElseThrow().resolve("metrics.json").toFile());
        }
    }

    @Test
    void anInt8RunEvaluatesOnTheQuantizedKernelsCloseToItsFp32Run() throws Exception {
        Path out = dir.resolve("int8");
        CliTest.Run q = lowres("quantize", "--run", base.toString(), "--calibration", "64", "-o", out.toString());
        assertEquals(0, q.code(), q.out() + q.err());
        assertTrue(q.out().contains("quantized to int8") && q.out().contains("from 64 train images"), q.out());
        JsonNode fp32 = metrics(base);
        JsonNode int8 = metrics(out, "--epsilon", "2");
        assertEquals(8, int8.path("efficiency").path("weight_bits").asInt());
        assertEquals(32, fp32.path("efficiency").path("weight_bits").asInt());
        assertTrue(int8.path("skipped").path("adversarial").asText().contains("no gradient"), int8.toString());
        double a = fp32.path("accuracy").path("top1").asDouble();
        double b = int8.path("accuracy").path("top1").asDouble();
        assertTrue(Math.abs(a - b) <= 0.1, "int8 top-1 " + b + " against fp32 " + a + " (24 images)");
        assertTrue(Files.readString(out.resolve("quantization.json")).contains("\"blocks.0.mid\""));
        CliTest.Run again = lowres("quantize", "--run", base.toString(), "-o", out.toString(), "-q");
        assertEquals(ExitCodes.USAGE, again.code(), again.err());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    @Test
    void aDoReFaRunIsEvaluatedWithItsKBits() throws Exception {
        Path out = dir.resolve("w4a4");
        CliTest.Run r = lowres("train", "-d", data.toString(), "-o", out.toString(), "-r", "demo", "-m", "wrn-8-1",
                "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "--quantize", "dorefa:w4a4", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("quantize: dorefa:w4a4"));
        assertEquals(4, metrics(out, "--no-attacks").path("efficiency").path("weight_bits").asInt());
        CliTest.Run bad = lowres("train", "-d", data.toString(), "-o", dir.resolve("w0").toString(), "--quantize",
                "dorefa:w0a4", "-q");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
        assertTrue(bad.err().contains("dorefa:w<bits>a<bits>"), bad.err());
    }

    @Test
    void aDistilledRunNamesItsTeacherAndTheLossItUses() throws Exception {
        Path out = dir.resolve("kd");
        CliTest.Run r = lowres("train", "-d", data.toString(), "-o", out.toString(), "-r", "demo", "-m", "wrn-8-1",
                "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "--teacher", base.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("distilling from wrn-12-2"), r.out());
        String config = Files.readString(out.resolve("config.yaml"));
        assertTrue(config.contains("loss: hinton") && config.contains("teacher: " + base.toAbsolutePath()), config);
        // a distilled run teaches in turn (a teacher-assistant chain)
        CliTest.Run chain = lowres("train", "-d", data.toString(), "-o", dir.resolve("kd2").toString(), "-r", "kd",
                "-m", "wrn-8-1", "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "--teacher",
                out.toString(), "-q");
        assertEquals(0, chain.code(), chain.err());
    }

    @Test
    void badCompressionOptionsSayWhatAndWhy() {
        CliTest.Run noTeacher = lowres("train", "-d", data.toString(), "-o", dir.resolve("x").toString(), "-r", "kd",
                "-q");
        assertEquals(ExitCodes.USAGE, noTeacher.code(), noTeacher.err());
        assertTrue(noTeacher.err().contains("needs a teacher: --teacher"), noTeacher.err());
        CliTest.Run amount = lowres("prune", "--run", base.toString(), "--method", "magnitude", "--amount", "1.5",
                "-o", dir.resolve("y").toString(), "-q");
        assertEquals(ExitCodes.USAGE, amount.code(), amount.err());
        assertTrue(amount.err().contains("(0, 1)"), amount.err());
        CliTest.Run method = lowres("prune", "--run", base.toString(), "--method", "lottery", "--amount", "0.5",
                "-o", dir.resolve("z").toString(), "-q");
        assertEquals(ExitCodes.USAGE, method.code(), method.err());
        assertTrue(method.err().contains("--method must be magnitude, channels: lottery"), method.err());
        CliTest.Run schedule = lowres("prune", "--run", base.toString(), "--method", "magnitude", "--amount", "0.5",
                "--schedule", "weekly", "-o", dir.resolve("s").toString(), "-q");
        assertEquals(ExitCodes.USAGE, schedule.code(), schedule.err());
        assertTrue(schedule.err().contains("--schedule must be oneshot, gradual: weekly"), schedule.err());
        CliTest.Run criterion = lowres("prune", "--run", base.toString(), "--method", "channels", "--amount", "0.5",
                "--criterion", "l2", "-o", dir.resolve("c").toString(), "-q");
        assertEquals(ExitCodes.USAGE, criterion.code(), criterion.err());
        assertTrue(criterion.err().contains("--criterion must be l1, bn-scale: l2"), criterion.err());
        assertTrue(!Files.exists(dir.resolve("s")) && !Files.exists(dir.resolve("c").resolve("surgery")),
                "a refused option writes nothing");

        Path vit = dir.resolve("mobile");
        CliTest.Run train = lowres("train", "-d", data.toString(), "-o", vit.toString(), "-r", "demo", "-m",
                "mobilenetv2-0.25", "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "-q");
        assertEquals(0, train.code(), train.err());
        CliTest.Run channels = lowres("prune", "--run", vit.toString(), "--method", "channels", "--amount", "0.5",
                "-o", dir.resolve("w").toString(), "-q");
        assertEquals(ExitCodes.USAGE, channels.code(), channels.err());
        assertTrue(channels.err().contains("applies to Wide ResNets"), channels.err());
        CliTest.Run int8 = lowres("quantize", "--run", vit.toString(), "-o", dir.resolve("v").toString(), "-q");
        assertEquals(ExitCodes.USAGE, int8.code(), int8.err());
        assertTrue(int8.err().contains("built for Wide ResNets"), int8.err());
    }

    @Test
    void explainWritesTheMapsAndTheirNumbersAndRefusesWhatItCannotDo() throws Exception {
        Path png = dir.resolve("explain/r3.png");
        CliTest.Run run = lowres("explain", "--run", base.toString(), "--index", "3", "--method",
                "gradient,integrated-gradients,grad-cam", "--target", "label", "--scale", "4", "-o", png.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(4 * 64 + 3 * 4, image.getWidth(), "the record and three maps, 16 px at 4x, 4 px apart");
        JsonNode e = Json.mapper().readTree(dir.resolve("explain/r3.json").toFile());
        assertEquals(e.path("label").asInt(), e.path("target").asInt(), "--target label");
        assertEquals(3, e.path("methods").size());
        assertEquals("integrated-gradients", e.path("methods").get(1).path("method").asText());
        for (JsonNode m : e.path("methods")) {
            assertEquals(33, m.path("deletion").size());
            double area = m.path("deletion_area").asDouble();
            assertTrue(area >= 0 && area <= 1, m.toString());
        }
        assertTrue(run.out().contains("grad-cam"), run.out());
        // by key, the same record
        String key = java.nio.file.Files.readAllLines(data.resolve("val-00000-of-00001.keys.txt")).get(3);
        CliTest.Run byKey = lowres("explain", "--run", base.toString(), "--key", key, "--method", "gradient", "-o",
                dir.resolve("explain/k.png").toString());
        assertEquals(0, byKey.code(), byKey.err());
        assertTrue(byKey.out().startsWith("record 3 of val"), byKey.out());
        assertEquals(2, lowres("explain", "--run", base.toString(), "--index", "3", "--method", "lime", "-o",
                dir.resolve("explain/x.png").toString()).code());
        assertEquals(2, lowres("explain", "--run", base.toString(), "--key", "nope", "-o",
                dir.resolve("explain/x.png").toString()).code());
        assertEquals(2, lowres("explain", "--run", base.toString(), "--index", "3", "-o",
                dir.resolve("explain/x.jpg").toString()).code());
        assertEquals(2, lowres("explain", "--run", base.toString(), "-o", dir.resolve("explain/x.png").toString())
                .code(), "--key or --index is needed");
    }
}
