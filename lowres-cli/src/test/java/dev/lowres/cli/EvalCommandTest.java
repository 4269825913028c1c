package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --seeds, eval and compare from the command line, with their errors. */
class EvalCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path shifted;
    static Path study;

    static CliTest.Run lowres(String... args) {
        return CliTest.lowres(args);
    }

    @BeforeAll
    static void trainTwoSeeds() {
        data = dir.resolve("ds");
        shifted = dir.resolve("shifted");
        for (String[] t : new String[][] {{"tree0", "0", "30", "ds"}, {"tree1", "1", "3", "shifted"}}) {
            CliTest.Run synth = lowres("synth", "-o", dir.resolve(t[0]).toString(), "--seed", t[1], "--classes", "3",
                    "--train-per-class", t[2], "--val-per-class", "8", "--min-side", "40", "--max-side", "60",
                    "--no-broken-files", "-q");
            assertEquals(0, synth.code(), synth.err());
            CliTest.Run build = lowres("build", "-i", dir.resolve(t[0]).toString(), "-o", dir.resolve(t[3]).toString(),
                    "-s", "16", "-q");
            assertEquals(0, build.code(), build.err());
        }
        study = dir.resolve("runs");
        CliTest.Run train = lowres("train", "-d", data.toString(), "-o", study.toString(), "--seeds", "0-1", "-r", "demo",
                "-m", "wrn-8-1", "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "-q");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("seed 1 (2 of 2)"), train.out());
        assertTrue(train.out().contains("lowres compare " + study + "/seed-*"), train.out());
    }

    @Test
    void resumeRefusesOptionsThatWouldChangeTheRunAndTakesTheSafeOnes() {
        Path run = study.resolve("seed-0");
        for (String[] changed : new String[][] {{"--epochs", "5"}, {"--lr", "0.5"}, {"-m", "wrn-14-1"},
            {"-d", shifted.toString()}, {"--set", "seed=3"}, {"-r", "cosine"}}) {
            CliTest.Run r = lowres("train", "--resume", run.toString(), changed[0], changed[1], "-q");
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", changed) + ": " + r.out() + r.err());
            String option = changed[0].startsWith("--") ? changed[0] : switch (changed[0]) {
                case "-m" -> "--model";
                case "-d" -> "--data";
                default -> "--recipe";
            };
            assertTrue(r.err().contains(option + " cannot change"), r.err());
        }
        // a finished run resumed with a safe option: nothing left to train, and no refusal
        CliTest.Run safe = lowres("train", "--resume", run.toString(), "--threads", "1", "--precision", "fp32", "-q");
        assertEquals(0, safe.code(), safe.out() + safe.err());
    }

    @Test
    void torchscriptOptionsGoTogether() {
        CliTest.Run alone = lowres("eval", "--torchscript", dir.resolve("none.pt").toString(), "-q");
        assertEquals(ExitCodes.USAGE, alone.code(), alone.err());
        assertTrue(alone.err().contains("--torchscript needs --classes"), alone.err());
        CliTest.Run stray = lowres("eval", "--run", study.resolve("seed-0").toString(), "--mean", "0.5,0.5,0.5", "-q");
        assertEquals(ExitCodes.USAGE, stray.code(), stray.err());
        CliTest.Run none = lowres("eval", "-q");
        assertEquals(ExitCodes.USAGE, none.code(), none.err());
        assertTrue(none.err().contains("--torchscript"), none.err());
    }

    @Test
    void aSeedStudyIsEvaluatedOnTwoSetsAndCompared() throws Exception {
        for (String seed : new String[] {"0", "1"}) {
            Path run = study.resolve("seed-" + seed);
            CliTest.Run val = lowres("eval", "--run", run.toString(), "--robust-records", "6", "--corruptions",
                    "gaussian_noise,jpeg_compression", "--epsilon", "2", "--pgd-steps", "2", "--no-efficiency", "-q");
            assertEquals(0, val.code(), val.err());
            assertTrue(val.out().contains("wrn-8-1 on ds/val (24 records): top-1"), val.out());
            assertTrue(val.out().contains("attacks (eps 2.0/255, 6 records)"), val.out());
            CliTest.Run v2 = lowres("eval", "--run", run.toString(), "-d", shifted.toString(), "--corruptions", "none",
                    "--no-attacks", "--no-efficiency", "-q");
            assertEquals(0, v2.code(), v2.err());
            JsonNode m = Json.mapper().readTree(run.resolve("eval/shifted-val/metrics.json").toFile());
            assertEquals(seed, m.at("/run/seed").asText());
            assertTrue(Files.exists(run.resolve("eval/shifted-val/report.html")));
        }
        Path out = dir.resolve("cmp");
        CliTest.Run cmp = lowres("compare", study.resolve("seed-0").toString(), study.resolve("seed-1").toString(),
                "-o", out.toString(), "--x", "ds-val", "--y", "shifted-val");
        assertEquals(0, cmp.code(), cmp.err());
        assertTrue(cmp.out().contains("seeds [0,1] of wrn-8-1 demo"), cmp.out());
        JsonNode c = Json.mapper().readTree(out.resolve("compare.json").toFile());
        assertEquals(4, c.path("evaluations").size());
        assertEquals(2, c.path("seed_groups").size(), "one group per eval set");
        JsonNode top1 = c.path("seed_groups").get(0).path("metrics").path("accuracy.top1");
        assertEquals(2, top1.path("n").asInt());
        assertTrue(top1.path("min").asDouble() <= top1.path("mean").asDouble()
                && top1.path("mean").asDouble() <= top1.path("max").asDouble());
        assertEquals(2, c.path("fit").path("runs").asInt());
        assertTrue(Files.readString(out.resolve("compare.html")).contains("<svg"));

        CliTest.Run unknownSet = lowres("compare", study.resolve("seed-0").toString(), "-o", out.toString(), "--y", "nope");
        assertEquals(ExitCodes.USAGE, unknownSet.code());
        assertTrue(unknownSet.err().contains("no evaluation named 'nope'"), unknownSet.err());

        // running the study again skips the finished seeds
        CliTest.Run again = lowres("train", "-d", data.toString(), "-o", study.toString(), "--seeds", "0-1", "-r", "demo",
                "-m", "wrn-8-1", "--epochs", "1", "-b", "30", "--set", "schedule.warmup_epochs=0", "-q");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("seed-0 is finished: skipped"), again.out());
    }

    @Test
    void anImagenetV2StyleTreeIsBuiltEvaluatedByWnidAndComparedWithTheGap() throws Exception {
        // ImageNetV2's layout: folders named by the class's index among the 1000 sorted wnids
        java.util.List<String> sorted = dev.lowres.data.classes.ImageNetClasses.get().wnidsSorted();
        Path v2 = dir.resolve("imagenetv2-format-val");
        try (java.util.stream.Stream<Path> classes = Files.list(dir.resolve("tree1").resolve("train"))) {
            for (Path c : classes.toList()) {
                Path folder = Files.createDirectories(v2.resolve(String.valueOf(sorted.indexOf(
                        c.getFileName().toString()))));
                try (java.util.stream.Stream<Path> images = Files.list(c)) {
                    for (Path image : images.toList()) {
                        Files.copy(image, folder.resolve(image.getFileName().toString().toLowerCase()));
                    }
                }
            }
        }
        Path built = dir.resolve("v2");
        CliTest.Run build = lowres("build", "-i", v2.toString(), "-o", built.toString(), "-s", "16", "--layout",
                "imagenetv2", "-q");
        assertEquals(0, build.code(), build.err());
        assertEquals(1000, dev.lowres.data.store.Dataset.open(built).manifest().classes().size());
        Path run = study.resolve("seed-1");
        Path v2eval = dir.resolve("v2-eval");
        CliTest.Run eval = lowres("eval", "--run", run.toString(), "-d", built.toString(), "--corruptions", "none",
                "--no-attacks", "--no-efficiency", "-o", v2eval.toString(), "-q");
        assertEquals(0, eval.code(), eval.err());
        Path original = dir.resolve("ds-eval");
        CliTest.Run evalOriginal = lowres("eval", "--run", run.toString(), "--corruptions", "none", "--no-attacks",
                "--no-efficiency", "-o", original.toString(), "-q");
        assertEquals(0, evalOriginal.code(), evalOriginal.err());
        JsonNode m = Json.mapper().readTree(v2eval.resolve("metrics.json").toFile());
        assertEquals(9, m.at("/data/records").asInt());
        // the network has 3 outputs; the dataset 1000 classes, 3 of them with records: scored by wnid
        JsonNode perClass = m.at("/accuracy/per_class");
        assertEquals(3, perClass.size());
        for (JsonNode c : perClass) {
            assertEquals(3, c.path("records").asInt(), c.toString());
        }
        CliTest.Run cmp = lowres("compare", original.toString(), v2eval.toString(), "-o", dir.resolve("cmp-v2").toString(),
                "--x", "ds-val", "--y", "v2-val");
        assertEquals(0, cmp.code(), cmp.err());
        JsonNode c = Json.mapper().readTree(dir.resolve("cmp-v2/compare.json").toFile());
        assertEquals(1, c.at("/fit/runs").asInt());
        JsonNode o = Json.mapper().readTree(original.resolve("metrics.json").toFile());
        assertTrue(c.at("/fit/mean_gap").isNumber(), c.toString());
        assertTrue(cmp.out().contains("mean gap"), cmp.out());
        assertEquals(o.at("/accuracy/top1").asDouble() - m.at("/accuracy/top1").asDouble(),
                c.at("/fit/mean_gap").asDouble(), 1e-9, "the gap is val top-1 minus v2 top-1");
        assertTrue(Files.readString(dir.resolve("cmp-v2/compare.html")).contains("v2-val"));
    }

    @Test
    void realLabelsAreMappedByValNumberAndWnid() throws Exception {
        // ReaL's layout: one entry per validation image in file-name order, sorted-wnid indices of all 1000
        // classes; here every record accepts its own class and the next one, every 4th is excluded ([])
        dev.lowres.data.store.Dataset ds = dev.lowres.data.store.Dataset.open(data);
        java.util.List<String> sorted = dev.lowres.data.classes.ImageNetClasses.get().wnidsSorted();
        dev.lowres.data.store.Manifest.Shard shard = ds.split("val").shards().get(0);
        java.util.List<String> keys = ds.keys(shard);
        short[] labels = ds.labels(shard);
        int classes = ds.manifest().classes().size();
        String[] entries = new String[keys.size()];
        java.util.Map<String, int[]> accepted = new java.util.HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            int number = Integer.parseInt(keys.get(i).replaceAll(".*ILSVRC2012_val_0*([0-9]+).*", "$1"));
            String own = ds.manifest().classes().get(labels[i]).wnid();
            String next = ds.manifest().classes().get((labels[i] + 1) % classes).wnid();
            boolean excluded = i % 4 == 3;
            entries[number - 1] = excluded ? "[]" : "[" + sorted.indexOf(own) + ", " + sorted.indexOf(next) + "]";
            if (!excluded) {
                accepted.put(keys.get(i), new int[] {labels[i], (labels[i] + 1) % classes});
            }
        }
        Path real = Files.writeString(dir.resolve("real-ok.json"), "[" + String.join(", ", entries) + "]");
        Path out = dir.resolve("eval-real");
        CliTest.Run eval = lowres("eval", "--run", study.resolve("seed-0").toString(), "--real-labels", real.toString(),
                "--corruptions", "none", "--no-attacks", "--no-efficiency", "-o", out.toString(), "-q");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("multi-label (real-ok.json)"), eval.out());
        JsonNode m = Json.mapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode ml = m.path("multilabel");
        assertEquals(accepted.size(), ml.path("labelled").asInt());
        // recompute from predictions.jsonl (the model's classes are the dataset's, in the same order here)
        int realHits = 0;
        int originalHits = 0;
        int mistakes = 0;
        int validMistakes = 0;
        for (String line : Files.readAllLines(out.resolve("predictions.jsonl"))) {
            JsonNode p = Json.mapper().readTree(line);
            int[] ok = accepted.get(p.path("key").asText());
            if (ok == null) {
                continue;
            }
            int top1 = p.path("top5").get(0).asInt();
            boolean real1 = top1 == ok[0] || top1 == ok[1];
            realHits += real1 ? 1 : 0;
            originalHits += top1 == ok[0] ? 1 : 0;
            if (top1 != ok[0]) {
                mistakes++;
                validMistakes += real1 ? 1 : 0;
            }
        }
        assertEquals((double) realHits / accepted.size(), ml.path("top1").asDouble(), 1e-6);
        assertEquals((double) originalHits / accepted.size(), ml.path("original_top1").asDouble(), 1e-6);
        assertEquals(mistakes, ml.path("mistakes").asInt());
        assertEquals(validMistakes, ml.path("mistakes_valid").asInt());
        for (JsonNode mistake : m.path("mistakes")) {
            int[] ok = accepted.get(mistake.path("key").asText());
            if (ok == null) {
                assertTrue(mistake.path("real_correct").isNull(), "an excluded record has no ReaL verdict");
            } else {
                int top1 = mistake.path("top5").get(0).path("index").asInt();
                assertEquals(top1 == ok[1], mistake.path("real_correct").asBoolean(), mistake.toString());
            }
        }
    }

    @Test
    void errorsAreClearWithTheirExitCodes() throws Exception {
        Path run = study.resolve("seed-0");
        CliTest.Run missing = lowres("eval", "--run", dir.resolve("nope").toString());
        assertEquals(ExitCodes.NO_INPUT, missing.code(), missing.err());

        Path bare = Files.createDirectories(dir.resolve("bare"));
        for (String f : new String[] {"config.yaml", "run.json", "input.safetensors"}) {
            Files.copy(run.resolve(f), bare.resolve(f));
        }
        CliTest.Run noWeights = lowres("eval", "--run", bare.toString());
        assertEquals(ExitCodes.USAGE, noWeights.code());
        assertTrue(noWeights.err().contains("has no weights to evaluate"), noWeights.err());

        Path real = Files.writeString(dir.resolve("real.json"), "[[0], [1]]");
        CliTest.Run badReal = lowres("eval", "--run", run.toString(), "--real-labels", real.toString());
        assertEquals(ExitCodes.USAGE, badReal.code(), badReal.err());
        assertFalse(badReal.err().contains("at dev.lowres"), badReal.err());

        CliTest.Run build32 = lowres("build", "-i", dir.resolve("tree1").toString(), "-o", dir.resolve("ds32").toString(),
                "-s", "32", "-q");
        assertEquals(0, build32.code(), build32.err());
        CliTest.Run wrongSize = lowres("eval", "--run", run.toString(), "-d", dir.resolve("ds32").toString());
        assertEquals(ExitCodes.USAGE, wrongSize.code());
        assertTrue(wrongSize.err().contains("3x32x32 images; the run's wrn-8-1 was trained on 3x16x16"), wrongSize.err());

        CliTest.Run badCorruption = lowres("eval", "--run", run.toString(), "--corruptions", "fog,rain");
        assertEquals(ExitCodes.USAGE, badCorruption.code());
        assertTrue(badCorruption.err().contains("gaussian_noise"), "lists the valid ones: " + badCorruption.err());

        CliTest.Run badSeeds = lowres("train", "-d", data.toString(), "-o", dir.resolve("x").toString(), "--seeds", "3-1");
        assertEquals(ExitCodes.USAGE, badSeeds.code());
        assertTrue(badSeeds.err().contains("--seeds"), badSeeds.err());

        CliTest.Run nothing = lowres("compare", bare.toString());
        assertEquals(ExitCodes.USAGE, nothing.code());
        assertTrue(nothing.err().contains("holds no evaluation"), nothing.err());
    }
}
