package dev.lowres.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.bench.BundledPython;
import dev.lowres.data.store.Json;
import dev.lowres.train.bench.TrainBenchmark;
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
                + "network. Also reports the share of lowres's step time spent outside PyTorch's native "
                + "operations (the autograd profiler's trace).", ""},
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

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Timed steps per repeat. Default: 10.")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "Repeats (best counts). Default: 3.")
    int repeats;

    @Option(names = "--no-reference", description = "Skip PyTorch.")
    boolean noReference;

    @Option(names = "--python", paramLabel = "PATH", description = "The Python to run PyTorch with.")
    Path python;

    @Option(names = "--trace", paramLabel = "FILE", description = "Keep the profiled steps' trace of native "
            + "operations (Chrome trace JSON: open it in chrome://tracing or ui.perfetto.dev).")
    Path trace;

    @Option(names = "--json", description = "Print one JSON object instead of a report.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Devices.threads(n);
        TrainBenchmark.Result lowres = TrainBenchmark.run(model, size, classes, batch, steps, repeats, trace, line -> log(err,
                "lowres " + line));
        JsonNode reference = null;
        Optional<BundledPython> torch = noReference ? Optional.empty() : BundledPython.find(python, "torch");
        if (torch.isPresent()) {
            reference = torch.get().run("torch_train.py", List.of("--model", model, "--size", String.valueOf(size),
                    "--batch-size", String.valueOf(batch), "--classes", String.valueOf(classes), "--threads",
                    String.valueOf(n), "--steps", String.valueOf(steps), "--repeats", String.valueOf(repeats), "--json"));
            log(err, String.format(Locale.ROOT, "pytorch %s: %.1f images/s", reference.path("torch_version").asText(),
                    reference.path("images_per_second").asDouble()));
        } else if (!noReference) {
            log(err, "pytorch skipped: no Python with torch (apt-get install python3-torch)");
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("bench", "train");
        o.put("tool", Version.TOOL);
        ObjectNode machine = o.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", Machine.cpuModel());
        machine.put("java", System.getProperty("java.version"));
        o.put("model", model);
        o.put("size", size);
        o.put("batch_size", batch);
        o.put("threads", n);
        o.put("parameters", lowres.parameters());
        o.put("gflops_per_image", Math.round(lowres.gigaflops() * 1000) / 1000.0);
        ObjectNode ips = o.putObject("images_per_second");
        ips.put("lowres", Math.round(lowres.imagesPerSecond() * 10) / 10.0);
        o.put("ms_per_step", Math.round(lowres.msPerStep()));
        o.put("share_outside_native", Math.round(lowres.outsideNativeShare() * 1000) / 1000.0);
        if (reference != null) {
            ips.put("pytorch", Math.round(reference.path("images_per_second").asDouble() * 10) / 10.0);
            o.put("speedup_vs_pytorch", Math.round(lowres.imagesPerSecond()
                    / reference.path("images_per_second").asDouble() * 100) / 100.0);
            o.put("torch_version", reference.path("torch_version").asText(""));
            o.put("pytorch_parameters", reference.path("parameters").asLong());
        }
        out.println(json ? Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o)
                : Json.mapper().writeValueAsString(o));
        return ExitCodes.OK;
    }

    private void log(PrintWriter err, String line) {
        if (!common.quiet) {
            err.println("  " + line);
            err.flush();
        }
    }
}
