package dev.lowres.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.bench.BundledPython;
import dev.lowres.data.store.Json;
import dev.lowres.train.bench.TrainBenchmark;
import dev.lowres.train.dist.Group;
import dev.lowres.train.dist.World;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres bench train}: training steps per second against the same network in PyTorch. */
@Command(name = "train",
        description = {"Training images/s (forward, backward, optimizer step) against the same network in PyTorch.",
            "",
            "Both sides train on random batches reused every step (the network's speed, not the loader's), with "
                + "the same threads and batch; PyTorch is Debian's python3-torch running an exact copy of the "
                + "network. Each configuration (fp32, fp32 channels-last, and with a CPU that has bf16: bf16 autocast, "
                + "bf16 channels-last) is timed on both sides in turn, and each side's best is compared.",
            "",
            "With --nproc N each configuration is also timed as N data-parallel ranks of threads / N threads each "
                + "(lowres over c10d Gloo, PyTorch as DistributedDataParallel over Gloo), the batch split over the "
                + "ranks; scaling is the ranks' images/s over the single process's.", ""},
        mixinStandardHelpOptions = true, sortOptions = false)
final class BenchTrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-m", "--model"}, defaultValue = "wrn-28-2", paramLabel = "NAME", description = "Default: wrn-28-2.")
    String model;

    @Option(names = {"-s", "--size"}, defaultValue = "32", paramLabel = "S", description = "Input size. Default: 32.")
    int size;

    @Option(names = {"-b", "--batch", "--batch-size"}, defaultValue = "128", paramLabel = "N", description = "Default: 128.")
    int batch;

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "N", description = "Default: 1000.")
    int classes;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "Threads, both sides. Default: the cores.")
    Integer threads;

    @Option(names = "--configs", defaultValue = "auto", paramLabel = "LIST",
            description = "Configurations to time, from fp32, fp32-cl, bf16, bf16-cl (cl: channels-last); auto: all "
                    + "four where the CPU has bf16, the fp32 ones elsewhere. Default: auto.")
    String configs;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Timed steps per repeat. Default: 10.")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "Repeats (best counts). Default: 3.")
    int repeats;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (PyTorch's side runs on the CPU only, so it is skipped on a GPU). "
                    + "Default: cpu.")
    String device;

    @Mixin
    BenchOptions bench = new BenchOptions();

    @Mixin
    DistributedOptions distributed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be at least 1: " + n);
        }
        Torch.threads(n);
        Device dev = Device.parse(device);
        World world = distributed.world(System.getenv());
        if (world != null) {
            return asRank(world, dev, out, err);
        }
        int ranks = distributed.localRanks();
        if (ranks > 1 && (batch % ranks != 0 || n % ranks != 0)) {
            throw new IllegalArgumentException("--nproc " + ranks + " must divide the batch (" + batch
                    + ") and the threads (" + n + ")");
        }
        Optional<BundledPython> torch = bench.noReference || dev.isCuda() ? Optional.empty()
                : BundledPython.find(bench.python, "torch");
        if (torch.isEmpty() && !bench.noReference && !dev.isCuda()) {
            log(err, "pytorch skipped: no Python with torch (apt-get install python3-torch)");
        }
        ObjectNode o = BenchOptions.result("train");
        ((ObjectNode) o.get("machine")).put("bf16", Precision.cpuHasBf16());
        o.put("engine", Torch.engine());
        o.put("model", model);
        o.put("size", size);
        o.put("batch_size", batch);
        o.put("threads", n);
        o.put("device", dev.toString());
        if (ranks > 1) {
            o.put("nproc", ranks);
        }
        ArrayNode rows = o.putArray("configs");
        double bestLowres = 0;
        double bestTorch = 0;
        String bestLowresName = null;
        String bestTorchName = null;
        for (String config : configList()) {
            Precision precision = config.startsWith("bf16") ? Precision.BF16 : Precision.FP32;
            boolean channelsLast = config.endsWith("-cl");
            TrainBenchmark.Result lowres = TrainBenchmark.run(new TrainBenchmark.Config(model, size, classes, batch,
                    steps, repeats, dev, precision, channelsLast), line -> log(err, "lowres " + config + " "
                    + line));
            ObjectNode row = rows.addObject();
            row.put("config", config);
            row.put("lowres", round1(lowres.imagesPerSecond()));
            row.set("lowres_repeats", Json.mapper().valueToTree(lowres.repeatImagesPerSecond().stream()
                    .map(BenchTrainCommand::round1).toList()));
            row.put("lowres_final_loss", lowres.finalLoss());
            o.put("parameters", lowres.parameters());
            o.put("gflops_per_image", Math.round(lowres.gigaflops() * 1000) / 1000.0);
            if (lowres.imagesPerSecond() > bestLowres) {
                bestLowres = lowres.imagesPerSecond();
                bestLowresName = config;
            }
            if (ranks > 1) {
                double ips = ranksImagesPerSecond(config, ranks, n / ranks, out, err);
                log(err, String.format(Locale.ROOT, "lowres %s, %d ranks x %d threads: %.1f images/s", config, ranks,
                        n / ranks, ips));
                row.put("lowres_ranks", round1(ips));
                row.put("lowres_scaling", Math.round(ips / lowres.imagesPerSecond() * 100) / 100.0);
            }
            if (torch.isPresent()) {
                List<String> args = new java.util.ArrayList<>(List.of("--model", model, "--size", String.valueOf(size),
                        "--batch-size", String.valueOf(batch), "--classes", String.valueOf(classes), "--threads",
                        String.valueOf(n), "--steps", String.valueOf(steps), "--repeats", String.valueOf(repeats),
                        "--json"));
                if (channelsLast) {
                    args.add("--channels-last");
                }
                if (precision == Precision.BF16) {
                    args.add("--bf16");
                }
                JsonNode reference = torch.get().run("torch_train.py", args);
                double ips = reference.path("images_per_second").asDouble();
                log(err, String.format(Locale.ROOT, "pytorch %s %s: %.1f images/s",
                        reference.path("torch_version").asText(), config, ips));
                row.put("pytorch", round1(ips));
                // each repeat's images/s, as lowres_repeats: the spread of the two sides, side by side
                ArrayNode torchRepeats = row.putArray("pytorch_repeats");
                reference.path("repeat_images_per_second").forEach(r -> torchRepeats.add(round1(r.asDouble())));
                row.put("ratio", Math.round(lowres.imagesPerSecond() / ips * 100) / 100.0);
                o.put("torch_version", reference.path("torch_version").asText(""));
                o.put("pytorch_parameters", reference.path("parameters").asLong());
                if (ips > bestTorch) {
                    bestTorch = ips;
                    bestTorchName = config;
                }
                if (ranks > 1) {
                    List<String> ddp = new java.util.ArrayList<>(args);
                    ddp.set(ddp.indexOf("--threads") + 1, String.valueOf(n / ranks));
                    ddp.addAll(List.of("--nproc", String.valueOf(ranks)));
                    double dips = torch.get().run("torch_train.py", ddp).path("images_per_second").asDouble();
                    log(err, String.format(Locale.ROOT, "pytorch DDP %s, %d ranks x %d threads: %.1f images/s", config,
                            ranks, n / ranks, dips));
                    row.put("pytorch_ddp", round1(dips));
                    row.put("pytorch_scaling", Math.round(dips / ips * 100) / 100.0);
                }
            }
        }
        ObjectNode best = o.putObject("best");
        best.put("lowres", round1(bestLowres));
        best.put("lowres_config", bestLowresName);
        if (bestTorchName != null) {
            best.put("pytorch", round1(bestTorch));
            best.put("pytorch_config", bestTorchName);
            best.put("ratio", Math.round(bestLowres / bestTorch * 100) / 100.0);
        }
        bench.print(out, o);
        return ExitCodes.OK;
    }

    /** One configuration timed by {@code ranks} ranks of this command: rank 0's figure, read from its log. */
    private double ranksImagesPerSecond(String config, int ranks, int each, PrintWriter out, PrintWriter err)
            throws Exception {
        Path logs = java.nio.file.Files.createTempDirectory("lowres-bench-ranks-");
        try {
            List<String> args = List.of("bench", "train", "--model", model, "--size", String.valueOf(size), "--batch",
                    String.valueOf(batch), "--classes", String.valueOf(classes), "--configs", config, "--steps",
                    String.valueOf(steps), "--repeats", String.valueOf(repeats), "--device", device, "-q");
            int code = LocalRanks.run(args, CommandLines.typed(spec), ranks, each, logs, true,
                    new PrintWriter(java.io.Writer.nullWriter()), err);
            Path rank0 = logs.resolve("rank-0.log");
            String log = java.nio.file.Files.exists(rank0) ? java.nio.file.Files.readString(rank0) : "";
            if (code != 0) {
                throw new IllegalStateException("the " + ranks + " ranks of " + config + " failed (exit " + code
                        + "): " + log);
            }
            for (String line : log.split("\n")) {
                if (line.startsWith("{\"rank_result\"")) {
                    return Json.mapper().readTree(line).path("images_per_second").asDouble();
                }
            }
            throw new IllegalStateException("rank 0 of " + config + " printed no result: " + log);
        } finally {
            dev.lowres.data.store.BuildState.deleteRecursively(logs);
        }
    }

    /** This process is one rank of a bench: time each configuration in the group; rank 0 prints the figures. */
    private int asRank(World world, Device target, PrintWriter out, PrintWriter err) {
        try (Group group = Group.connect(world)) {
            for (String config : configList()) {
                Precision precision = config.startsWith("bf16") ? Precision.BF16 : Precision.FP32;
                TrainBenchmark.Result r = TrainBenchmark.run(new TrainBenchmark.Config(model, size, classes, batch,
                        steps, repeats, target, precision, config.endsWith("-cl")), group, line -> log(err, config + " "
                        + line));
                if (world.leader()) {
                    ObjectNode line = Json.mapper().createObjectNode();
                    line.put("rank_result", config);
                    line.put("images_per_second", r.imagesPerSecond());
                    out.println(line.toString());
                    out.flush();
                }
            }
        }
        return ExitCodes.OK;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** The configurations asked for. */
    private List<String> configList() {
        List<String> valid = List.of("fp32", "fp32-cl", "bf16", "bf16-cl");
        if (configs.equals("auto")) {
            return Precision.cpuHasBf16() || device.startsWith("cuda") ? valid : List.of("fp32", "fp32-cl");
        }
        List<String> out = new java.util.ArrayList<>();
        for (String c : configs.split(",")) {
            String t = c.trim();
            if (!valid.contains(t)) {
                throw new IllegalArgumentException("--configs takes " + String.join(", ", valid) + " or auto: " + t);
            }
            out.add(t);
        }
        return out;
    }

    private void log(PrintWriter err, String line) {
        if (!common.quiet) {
            err.println("  " + line);
            err.flush();
        }
    }
}
