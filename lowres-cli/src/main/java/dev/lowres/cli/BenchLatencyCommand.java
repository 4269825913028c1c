package dev.lowres.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.bench.BundledPython;
import dev.lowres.data.store.Json;
import dev.lowres.train.bench.LatencyBenchmark;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres bench latency}: trained runs' forward pass on the CPU against the same networks in PyTorch. */
@Command(name = "latency",
        description = {"Forward latency at batch 1 and throughput at a large batch of trained runs (float, pruned, "
                + "int8), against the same networks in PyTorch.",
            "",
            "lowres measures as lowres eval's efficiency section does (median of 101 single-image calls after 10, "
                + "then batches back to back for at least 2 s), int8 runs on libtorch's int8 kernels, float runs at "
                + "--precision. PyTorch (Debian's python3-torch) builds the same WRN (channel-pruned widths "
                + "included) and reports its fastest form: eager, channels-last, or traced + frozen + "
                + "optimize_for_inference; an int8 run is compared with PyTorch's FX int8 on its best quantized "
                + "engine. Runs, thread counts and rounds are interleaved; the ranges over rounds are reported.", ""},
        mixinStandardHelpOptions = true, sortOptions = false)
final class BenchLatencyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (lowres train, prune, quantize).")
    List<Path> runs;

    @Option(names = {"-j", "--threads"}, split = ",", paramLabel = "N[,N...]",
            description = "Thread counts, each measured. Default: 1 and the cores.")
    List<Integer> threads;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "Rounds. Default: 3.")
    int rounds;

    @Option(names = {"-b", "--batch"}, defaultValue = "128", paramLabel = "N",
            description = "The throughput batch. Default: 128.")
    int batch;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
            description = "Float runs' precision: fp32, bf16 or auto (what lowres eval picks here). Default: auto.")
    String precision;

    @Mixin
    BenchOptions bench = new BenchOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (rounds < 1 || batch < 1) {
            throw new IllegalArgumentException("--rounds and --batch must be at least 1");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> counts = threads != null ? threads : cores == 1 ? List.of(1) : List.of(1, cores);
        for (int t : counts) {
            if (t < 1) {
                throw new IllegalArgumentException("--threads must be at least 1: " + t);
            }
        }
        Precision p = Precision.parse(precision);
        Torch.load();
        Optional<BundledPython> torch = bench.noReference ? Optional.empty()
                : BundledPython.find(bench.python, "torch");
        if (torch.isEmpty() && !bench.noReference) {
            err.println("  pytorch skipped: no Python with torch (apt-get install python3-torch)");
        }
        List<LatencyBenchmark.Measurement> all = LatencyBenchmark.run(runs, counts, rounds, batch, p, true, torch,
                m -> {
                    if (!common.quiet) {
                        err.printf(Locale.ROOT, "  round %d, %s (%s, %d thread%s): lowres %.2f ms, %,.0f img/s%s%n",
                                m.round() + 1, m.run(), m.kernels(), m.threads(), m.threads() == 1 ? "" : "s",
                                m.latencyMs(), m.imagesPerSecond(), m.peerLatencyMs() == null ? ""
                                        : String.format(Locale.ROOT, "; pytorch %.2f ms, %,.0f img/s (%s)",
                                        m.peerLatencyMs(), m.peerImagesPerSecond(), m.peerForm()));
                        err.flush();
                    }
                });
        ObjectNode o = report(all, counts);
        bench.print(out, o);
        return ExitCodes.OK;
    }

    /** Each (run, threads): the ranges over the rounds on both sides, and every measurement. */
    private ObjectNode report(List<LatencyBenchmark.Measurement> all, List<Integer> counts) {
        ObjectNode o = BenchOptions.result("latency");
        o.put("rounds", rounds);
        o.put("batch", batch);
        Map<String, List<LatencyBenchmark.Measurement>> groups = new LinkedHashMap<>();
        for (LatencyBenchmark.Measurement m : all) {
            groups.computeIfAbsent(m.run() + "\u0000" + m.threads(), k -> new ArrayList<>()).add(m);
        }
        ArrayNode rows = o.putArray("runs");
        for (List<LatencyBenchmark.Measurement> g : groups.values()) {
            LatencyBenchmark.Measurement first = g.get(0);
            ObjectNode row = rows.addObject();
            row.put("run", first.run());
            row.put("model", first.model());
            row.put("kernels", first.kernels());
            row.put("threads", first.threads());
            range(row, "lowres_latency_ms", g.stream().mapToDouble(LatencyBenchmark.Measurement::latencyMs).toArray(), 3);
            range(row, "lowres_images_per_second",
                    g.stream().mapToDouble(LatencyBenchmark.Measurement::imagesPerSecond).toArray(), 1);
            if (first.peerLatencyMs() != null) {
                range(row, "pytorch_latency_ms", g.stream().mapToDouble(LatencyBenchmark.Measurement::peerLatencyMs)
                        .toArray(), 3);
                range(row, "pytorch_images_per_second", g.stream()
                        .mapToDouble(LatencyBenchmark.Measurement::peerImagesPerSecond).toArray(), 1);
                row.put("pytorch_form", first.peerForm());
            } else {
                row.put("pytorch", first.peerNote());
            }
        }
        o.set("measurements", Json.mapper().valueToTree(all));
        return o;
    }

    /** [min, max] of {@code v}, rounded. */
    private static void range(ObjectNode row, String key, double[] v, int digits) {
        double lo = java.util.Arrays.stream(v).min().orElse(Double.NaN);
        double hi = java.util.Arrays.stream(v).max().orElse(Double.NaN);
        double scale = Math.pow(10, digits);
        row.putArray(key).add(Math.round(lo * scale) / scale).add(Math.round(hi * scale) / scale);
    }
}
