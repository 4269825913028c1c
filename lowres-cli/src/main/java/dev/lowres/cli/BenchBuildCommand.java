package dev.lowres.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.bench.BuildBenchmark;
import dev.lowres.data.bench.PythonReference;
import dev.lowres.data.store.BuildState;
import dev.lowres.data.store.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres bench build}: build throughput, exact and fast, against the PIL reference scripts. */
@Command(name = "build",
        description = {"Images/s of exact and fast builds, against the published PIL pipeline.",
            "",
            "Measures exact and fast builds of a JPEG tree, where the time goes (decode, resample, write, and "
                + "libjpeg-turbo's own limit), and - where a Python with PIL and numpy is found - the published "
                + "PIL pipeline (resize to PNG files, pack into a batch) on the same images and cores.", ""},
        mixinStandardHelpOptions = true, sortOptions = false)
final class BenchBuildCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "DIR",
            description = "A class-folder tree of JPEGs (bench/make_photo_tree.py makes one from real photos).")
    Path input;

    @Option(names = {"-s", "--size"}, defaultValue = "32", paramLabel = "S", description = "Output size. Default: 32.")
    int size;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "Threads (and reference processes). Default: the number of cores.")
    Integer threads;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use at most N inputs (0: all).")
    int limit;

    @Mixin
    BenchOptions bench = new BenchOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1 || size < 1) {
            throw new IllegalArgumentException("--threads and --size must be positive");
        }
        Path work = Files.createTempDirectory("lowres-bench");
        try {
            BuildBenchmark.Result r = BuildBenchmark.run(input, size, n, limit, work, line -> {
                if (!common.quiet) {
                    err.println("  " + line);
                    err.flush();
                }
            });
            Optional<PythonReference> reference = bench.noReference ? Optional.empty()
                    : PythonReference.find(bench.python);
            JsonNode full = null;
            JsonNode resizeOnly = null;
            JsonNode decodeOnly = null;
            if (reference.isPresent()) {
                Path tree = work.resolve("inputs");
                full = best(reference.get(), tree, size, n, work, null);
                err.printf(Locale.ROOT, "  reference (PIL %s, %d processes): %.0f images/s%n",
                        full.path("pil_version").asText("?"), n, full.path("images_per_second").asDouble());
                resizeOnly = best(reference.get(), tree, size, n, work, "--resize-only");
                decodeOnly = best(reference.get(), tree, size, 1, work, "--decode-only");
            } else if (!bench.noReference) {
                err.println("  reference skipped: no Python with PIL and numpy (apt-get install python3-pil python3-numpy)");
            }
            err.flush();
            ObjectNode o = BenchOptions.result("build");
            o.put("input", input.toAbsolutePath().toString());
            o.put("images", r.images());
            o.put("mean_width", Math.round(r.meanWidth()));
            o.put("mean_height", Math.round(r.meanHeight()));
            o.put("mean_kilobytes", Math.round(r.meanKilobytes()));
            o.put("size", size);
            o.put("threads", n);
            o.put("jpeg_decoder", dev.lowres.data.image.ImageDecoder.jpegDecoder());
            ObjectNode ips = o.putObject("images_per_second");
            ips.put("exact", round(r.exactPerSecond()));
            ips.put("fast", round(r.fastPerSecond()));
            if (full != null) {
                ips.put("reference", round(full.path("images_per_second").asDouble()));
                ips.put("reference_resize_only", round(resizeOnly.path("images_per_second").asDouble()));
                ObjectNode speedup = o.putObject("speedup_vs_reference");
                speedup.put("exact", round2(r.exactPerSecond() / full.path("images_per_second").asDouble()));
                speedup.put("fast", round2(r.fastPerSecond() / full.path("images_per_second").asDouble()));
            }
            ObjectNode ms = o.putObject("ms_per_image_one_thread");
            ms.put("decode_exact", round3(r.decodeExactMs()));
            ms.put("decode_fast", round3(r.decodeFastMs()));
            ms.put("resample", round3(r.resampleMs()));
            ms.put("resample_fast", round3(r.resampleFastMs()));
            ms.put("write", round3(r.writeMs()));
            if (decodeOnly != null) {
                ms.put("pil_decode", round3(1000.0 / decodeOnly.path("images_per_second").asDouble()));
            }
            // what n threads would reach if they did nothing but decode, at one thread's measured speed
            double limitPerSecond = n * 1000.0 / r.decodeExactMs();
            o.put("exact_share_of_decoder_limit", round2(r.exactPerSecond() / limitPerSecond));
            o.put("fast_mean_abs_diff", round3(r.fastMeanAbsDiff()));
            bench.print(out, o);
            return ExitCodes.OK;
        } finally {
            BuildState.deleteRecursively(work);
        }
    }

    /** The fastest of three runs of the reference, as lowres's figures are the best of three. */
    private static JsonNode best(PythonReference reference, Path tree, int size, int processes, Path work, String mode)
            throws java.io.IOException {
        JsonNode best = null;
        for (int i = 0; i < 3; i++) {
            JsonNode r = reference.run(tree, size, processes, work.resolve("ref"), mode);
            if (best == null || r.path("images_per_second").asDouble() > best.path("images_per_second").asDouble()) {
                best = r;
            }
        }
        return best;
    }

    private static double round(double v) {
        return Math.round(v);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
