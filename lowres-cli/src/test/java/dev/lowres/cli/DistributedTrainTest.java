package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.export.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --nproc}: two ranks on this machine (Gloo on 127.0.0.1) train as one process at the global batch,
 * and a misconfigured launch fails with the reason.
 */
class DistributedTrainTest {
    @TempDir
    static Path dir;
    static Path data;

    /** ViT has no batch norm: two ranks at batch 16 compute the same step as one process at 32. */
    static final String[] VIT = {"-m", "vit-tiny-p8", "-r", "cosine", "--precision", "fp32",
        "--set", "schedule.warmup_epochs=0", "--set", "ema.decay=0", "-q"};

    @BeforeAll
    static void dataset() {
        data = dir.resolve("ds");
        CliTest.Run synth = CliTest.lowres("synth", "-o", dir.resolve("tree").toString(), "--classes", "4",
                "--train-per-class", "32", "--val-per-class", "5", "--min-side", "40", "--max-side", "60",
                "--no-broken-files", "-q");
        assertEquals(0, synth.code(), synth.err());
        CliTest.Run build = CliTest.lowres("build", "-i", dir.resolve("tree").toString(), "-o", data.toString(), "-s",
                "16", "-q");
        assertEquals(0, build.code(), build.err());
    }

    static CliTest.Run train(String out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "-d", data.toString(), "-o", dir.resolve(out).toString()));
        args.addAll(List.of(more));
        return CliTest.lowres(args.toArray(new String[0]));
    }

    static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void twoRanksTrainAsOneProcessAtTheGlobalBatch() throws Exception {
        CliTest.Run one = train("one", with(VIT, "-j", "1", "-b", "32", "--epochs", "2"));
        assertEquals(0, one.code(), one.out() + one.err());
        // the weight check every step: the run fails if the ranks ever hold different weights
        CliTest.Run two = train("two", with(VIT, "-b", "32", "--epochs", "2", "--nproc", "2", "--check-sync", "1"));
        assertEquals(0, two.code(), two.out() + two.err());
        assertTrue(two.out().contains("started 2 ranks on this machine (1 threads each"), two.out());
        String log = Files.readString(dir.resolve("two/logs/rank-1.log"));
        assertTrue(log.contains("rank 1 of 2: batch 16 of the global 32, 4 steps per epoch"), log);
        assertTrue(log.contains("finished 2 epochs (8 steps)"), log);
        assertTrue(!log.contains("[Gloo]"), "Gloo's own connection line is dropped: " + log);
        JsonNode command = Json.mapper().readTree(dir.resolve("two/run.json").toFile()).path("command");
        assertTrue(command.toString().contains("\"--nproc\",\"2\"") && !command.toString().contains("--init"),
                "the command the user typed: " + command);
        // what one rank would do alone, to show that the tolerance below tells the two apart
        CliTest.Run half = train("half", with(VIT, "-j", "1", "-b", "16", "--epochs", "1"));
        assertEquals(0, half.code(), half.out() + half.err());

        double twoVsOne = maxDifference(dir.resolve("one/model.safetensors"), dir.resolve("two/model.safetensors"));
        double halfVsOne = maxDifference(dir.resolve("one/model.safetensors"), dir.resolve("half/model.safetensors"));
        assertTrue(twoVsOne < 1e-4, "2 ranks x 16 against 1 x 32: weights differ by up to " + twoVsOne);
        assertTrue(halfVsOne > 100 * 1e-4, "the check is too loose: another run differs by only " + halfVsOne);
        List<JsonNode> a = epochs(dir.resolve("one"));
        List<JsonNode> b = epochs(dir.resolve("two"));
        assertEquals(2, b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).path("step").asLong(), b.get(i).path("step").asLong());
            assertEquals(a.get(i).path("train_loss").asDouble(), b.get(i).path("train_loss").asDouble(), 1e-5);
            assertEquals(a.get(i).path("train_top1").asDouble(), b.get(i).path("train_top1").asDouble(), 1e-9);
            assertEquals(a.get(i).path("val_top1").asDouble(), b.get(i).path("val_top1").asDouble(), 1e-9,
                    "validation is sharded over the ranks and summed");
            assertEquals(a.get(i).path("val_loss").asDouble(), b.get(i).path("val_loss").asDouble(), 1e-5);
        }
    }

    @Test
    void syncBatchNormTrainsAsOneProcessAtTheGlobalBatch() throws Exception {
        String[] wrn = {"-m", "wrn-8-1", "-r", "cosine", "--precision", "fp32", "-b", "32", "--epochs", "2", "--set",
            "schedule.warmup_epochs=0", "--set", "ema.decay=0", "-q"};
        CliTest.Run one = train("bn-one", with(wrn, "-j", "1"));
        assertEquals(0, one.code(), one.out() + one.err());
        CliTest.Run synced = train("bn-sync", with(wrn, "--nproc", "2", "--sync-bn", "--check-sync", "1"));
        assertEquals(0, synced.code(), synced.out() + synced.err());
        CliTest.Run perRank = train("bn-rank", with(wrn, "--nproc", "2"));
        assertEquals(0, perRank.code(), perRank.out() + perRank.err());
        Path reference = dir.resolve("bn-one/model.safetensors");
        double sync = maxDifference(reference, dir.resolve("bn-sync/model.safetensors"));
        double own = maxDifference(reference, dir.resolve("bn-rank/model.safetensors"));
        assertTrue(sync < 1e-4, "--sync-bn, 2 ranks x 16 against 1 x 32: weights (and running statistics) differ by "
                + "up to " + sync);
        assertTrue(own > 100 * 1e-4, "per-rank statistics should differ from the global batch's: " + own);
    }

    @Test
    void twoRanksEvaluateToTheMetricsOfOneProcess() throws Exception {
        CliTest.Run trained = train("to-eval", "-m", "wrn-8-1", "-b", "32", "--epochs", "1", "-q");
        assertEquals(0, trained.code(), trained.err());
        String run = dir.resolve("to-eval").toString();
        String[] eval = {"eval", "--run", run, "-d", data.toString(), "--robust-records", "30", "--corruptions",
            "gaussian_noise,contrast", "--pgd-steps", "3", "--no-efficiency", "-b", "8", "-q"}; // 3 batches: ranks 0 and 1 both score some
        CliTest.Run one = CliTest.lowres(with(eval, "-o", dir.resolve("eval-one").toString(), "-j", "1"));
        assertEquals(0, one.code(), one.err());
        CliTest.Run two = CliTest.lowres(with(eval, "-o", dir.resolve("eval-two").toString(), "--nproc", "2"));
        assertEquals(0, two.code(), two.out() + two.err());
        assertTrue(Files.readString(dir.resolve("eval-two/logs/rank-1.log")).contains("done (rank 0 writes"));
        assertEquals(Files.readAllLines(dir.resolve("eval-one/predictions.jsonl")),
                Files.readAllLines(dir.resolve("eval-two/predictions.jsonl")), "every record's top-5 and probabilities");
        JsonNode a = Json.mapper().readTree(dir.resolve("eval-one/metrics.json").toFile());
        JsonNode b = Json.mapper().readTree(dir.resolve("eval-two/metrics.json").toFile());
        for (String section : new String[] {"data", "accuracy", "calibration", "robustness", "mistakes", "multilabel"}) {
            assertEquals(a.path(section), b.path(section), section);
        }
        assertEquals(2, b.path("efficiency").path("ranks").asInt());
        CliTest.Run script = CliTest.lowres("eval", "--torchscript", "x.pt", "--classes", "c.txt", "-d", data.toString(),
                "--nproc", "2");
        assertEquals(ExitCodes.USAGE, script.code(), script.err());
    }

    @Test
    void theAllReduceDuringTheBackwardPassGivesTheSameBitsAsAfterIt() throws Exception {
        String[] wrn = {"-m", "wrn-8-1", "-b", "32", "--epochs", "1", "--nproc", "2", "-q"};
        CliTest.Run during = train("overlap-on", with(wrn, "--dist-overlap", "on"));
        assertEquals(0, during.code(), during.err());
        CliTest.Run after = train("overlap-off", with(wrn, "--dist-overlap", "off"));
        assertEquals(0, after.code(), after.err());
        assertEquals(0.0, maxDifference(dir.resolve("overlap-on/model.safetensors"),
                dir.resolve("overlap-off/model.safetensors")));
        CliTest.Run bad = train("overlap-bad", with(wrn, "--dist-overlap", "sometimes"));
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
        assertTrue(bad.err().contains("--dist-overlap takes auto, on or off"), bad.err());
    }

    @Test
    void aLaunchThatCannotWorkFailsBeforeTraining() {
        CliTest.Run uneven = train("uneven", with(VIT, "-b", "32", "--nproc", "3"));
        assertEquals(ExitCodes.USAGE, uneven.code(), uneven.err());
        assertTrue(uneven.err().contains("the batch size 32 is the global batch and must divide evenly over --nproc 3"),
                uneven.err());
        assertTrue(!Files.exists(dir.resolve("uneven")), "nothing written");
        CliTest.Run zero = train("zero", with(VIT, "--nproc", "0"));
        assertEquals(ExitCodes.USAGE, zero.code(), zero.err());
        CliTest.Run init = train("init", with(VIT, "--init", "file:///tmp/lowres-test-rdv"));
        assertEquals(ExitCodes.USAGE, init.code(), init.err());
        assertTrue(init.err().contains("--init needs WORLD_SIZE and RANK"), init.err());
        CliTest.Run both = train("both", with(VIT, "--nproc", "2", "--init", "file:///tmp/lowres-test-rdv"));
        assertEquals(ExitCodes.USAGE, both.code(), both.err());
        assertTrue(both.err().contains("--nproc makes its own rendezvous"), both.err());
    }

    @Test
    void aRunDirectoryIsWrittenByOneTrainingAtATime() throws Exception {
        Path run = dir.resolve("busy");
        try (var held = dev.lowres.data.store.BuildLock.forRun(run)) {
            CliTest.Run second = train("busy", with(VIT, "-b", "32", "--epochs", "1"));
            assertEquals(ExitCodes.CANT_CREATE, second.code(), second.err());
            assertTrue(second.err().contains("another lowres train is writing " + run + " (pid "
                    + ProcessHandle.current().pid()), second.err());
            assertTrue(!Files.exists(run.resolve("config.yaml")), "nothing written");
        }
        CliTest.Run after = train("busy", with(VIT, "-b", "32", "--epochs", "1", "-j", "1"));
        assertEquals(0, after.code(), after.err());
        assertTrue(!Files.exists(run.resolve(dev.lowres.data.store.BuildLock.RUN_FILE)), "the lock file is removed");
    }

    @Test
    void aRankThatCannotReachTheMasterFailsWithinTheTimeout() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "-d", data.toString(),
                "-o", dir.resolve("unreachable").toString(), "-m", "wrn-8-1", "--dist-timeout", "2", "-q"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("unreachable.log").toFile());
        pb.environment().putAll(Map.of("WORLD_SIZE", "2", "RANK", "1", "MASTER_ADDR", "127.0.0.1",
                "MASTER_PORT", String.valueOf(port)));
        long start = System.nanoTime();
        Process p = pb.start();
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
        double seconds = (System.nanoTime() - start) / 1e9;
        String log = Files.readString(dir.resolve("unreachable.log"));
        assertEquals(ExitCodes.UNAVAILABLE, p.exitValue(), log);
        assertTrue(log.contains("rank 1 of 2 (tcp://127.0.0.1:" + port + "): cannot form the group within 2 s")
                && log.contains("check that rank 0 runs and that 127.0.0.1:" + port + " is reachable"), log);
        assertTrue(seconds < 60, "failed after " + seconds + " s");
    }

    @Test
    void ranksStartedWithDifferentRecipesRefuseToTrain() throws Exception {
        Path store = dir.resolve("mismatch.rdv");
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "-d",
                    data.toString(), "-o", dir.resolve("mismatch").toString(), "-m", "wrn-8-1", "-b", "32", "--lr",
                    rank == 0 ? "0.1" : "0.2", "--init", store.toUri().toString(), "--dist-timeout", "60", "-q"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mismatch-" + rank + ".log").toFile());
            pb.environment().putAll(Map.of("WORLD_SIZE", "2", "RANK", String.valueOf(rank), "MASTER_ADDR", "127.0.0.1"));
            ranks.add(pb.start());
        }
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(ranks.get(rank).waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
            String log = Files.readString(dir.resolve("mismatch-" + rank + ".log"));
            assertEquals(ExitCodes.USAGE, ranks.get(rank).exitValue(), log);
            assertTrue(log.contains("the recipe, precision, dataset or teacher differs between the ranks"), log);
        }
        assertTrue(!Files.exists(dir.resolve("mismatch/checkpoints/last.safetensors")), "nothing trained");
    }

    @Test
    void theLauncherNamesTheCauseOfAFailureNotItsConsequences() throws Exception {
        Process consequence = new ProcessBuilder("sh", "-c", "exit 69").start(); // a rank whose peer went away
        Process cause = new ProcessBuilder("sh", "-c", "kill -9 $$").start();
        Process fine = new ProcessBuilder("sh", "-c", "exit 0").start();
        for (Process p : List.of(consequence, cause, fine)) {
            p.waitFor();
        }
        assertEquals(1, LocalRanks.firstFailure(List.of(consequence, cause, fine)));
        assertEquals(0, LocalRanks.firstFailure(List.of(consequence, fine)));
        assertEquals(-1, LocalRanks.firstFailure(List.of(fine)));
        assertEquals("was killed by signal 9 (SIGKILL: out of memory, or killed)", LocalRanks.describe(137));
    }

    @Test
    void benchTrainTimesTheRanksBesideTheSingleProcess() throws Exception {
        CliTest.Run bench = CliTest.lowres("bench", "train", "-m", "wrn-8-1", "-s", "16", "-b", "16", "--classes", "10",
                "--configs", "fp32", "--steps", "2", "--repeats", "1", "-j", "2", "--nproc", "2", "--no-reference",
                "--json", "-q");
        assertEquals(0, bench.code(), bench.out() + bench.err());
        JsonNode row = Json.mapper().readTree(bench.out()).path("configs").get(0);
        assertTrue(row.path("lowres").asDouble() > 0, row.toString());
        assertTrue(row.path("lowres_ranks").asDouble() > 0, row.toString());
        // both rates are rounded to 0.1 image/s and the scaling to 0.01: the ratio of the rounded rates is within
        // their rounding of the scaling (a loaded machine can make a 2-step single-process rate small)
        double single = row.path("lowres").asDouble();
        double ranks = row.path("lowres_ranks").asDouble();
        double scaling = row.path("lowres_scaling").asDouble();
        assertEquals(ranks / single, scaling, 0.005 + scaling * (0.05 / single + 0.05 / ranks) * 1.01, row.toString());
        CliTest.Run uneven = CliTest.lowres("bench", "train", "-b", "15", "-j", "2", "--nproc", "2", "-q");
        assertEquals(ExitCodes.USAGE, uneven.code(), uneven.err());
    }

    @Test
    void removingAnOptionTakesEveryForm() {
        List<String> args = new ArrayList<>(List.of("train", "--nproc", "2", "-j4", "--threads=3", "-j", "2", "-q",
                "--nproc=5"));
        LocalRanks.removeOption(args, "--nproc");
        LocalRanks.removeOption(args, "--threads");
        LocalRanks.removeOption(args, "-j");
        assertEquals(List.of("train", "-q"), args);
    }

    static double maxDifference(Path a, Path b) throws Exception {
        Map<String, Safetensors.Tensor> x = Safetensors.read(a).tensors();
        Map<String, Safetensors.Tensor> y = Safetensors.read(b).tensors();
        assertEquals(x.keySet(), y.keySet());
        double max = 0;
        for (String name : x.keySet()) {
            float[] u = x.get(name).data();
            float[] v = y.get(name).data();
            for (int i = 0; i < u.length; i++) {
                max = Math.max(max, Math.abs(u[i] - v[i]));
            }
        }
        return max;
    }

    static List<JsonNode> epochs(Path run) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = Json.mapper().readTree(line);
            if ("epoch".equals(n.path("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }
}
