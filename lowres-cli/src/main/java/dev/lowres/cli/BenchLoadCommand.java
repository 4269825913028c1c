package dev.lowres.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.bench.BundledPython;
import dev.lowres.data.bench.Disk;
import dev.lowres.data.bench.LoadBenchmark;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.load.Normalization;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.Json;
import dev.lowres.data.store.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres bench load}: loader throughput against a PyTorch DataLoader on the same files. */
@Command(name = "load",
        description = {"Images/s of finished float batches, against a PyTorch DataLoader on the same files.",
            "",
            "Times full epochs of the loader (best of --epochs, after a warm-up) and, where a Python with torch "
                + "and torchvision is found, a PyTorch DataLoader with torchvision transforms doing the same work "
                + "over the same npy shards with the same number of worker processes. With --cold the page cache "
                + "is dropped before each epoch (root on Linux) and the disk's sequential read speed is measured "
                + "too: for data larger than memory.", ""},
        mixinStandardHelpOptions = true, sortOptions = false)
final class BenchLoadCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The dataset directory.")
    Path data;

    @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Split. Default: train.")
    String split;

    @Option(names = "--augment", defaultValue = "paper", paramLabel = "SPEC",
            description = "Augmentation spec. Default: paper (pad-crop(4), flip).")
    String augment;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "128", paramLabel = "N", description = "Default: 128.")
    int batchSize;

    @Option(names = {"-j", "--threads"}, paramLabel = "N",
            description = "Loader threads and DataLoader workers. Default: the number of cores.")
    Integer threads;

    @Option(names = "--order", defaultValue = "shuffle", paramLabel = "ORDER",
            description = "shuffle (default), quasi-random or sequential.")
    String order;

    @Option(names = "--normalization", defaultValue = "channel", paramLabel = "NORM",
            description = "channel (default), mean-image or unit.")
    String normalization;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "Timed epochs. Default: 3.")
    int epochs;

    @Option(names = "--cold", description = "Drop the page cache before each epoch and measure the disk (root).")
    boolean cold;

    @Mixin
    BenchOptions bench = new BenchOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Manifest manifest = Dataset.open(data).manifest();
        LoaderConfig config = LoaderConfig.builder().data(data).split(split).batchSize(batchSize).threads(n)
                .order(EpochOrder.parse(order)).augment(augment).normalization(Normalization.parse(normalization))
                .output(LoaderConfig.Output.FLOAT32).seed(0).build();
        Runnable beforeEpoch = () -> { };
        if (cold) {
            if (!Disk.dropCaches()) {
                throw new IllegalArgumentException("--cold needs to drop the page cache: run as root on Linux");
            }
            beforeEpoch = Disk::dropCaches;
        }
        LoadBenchmark.Result lowres = LoadBenchmark.run(config, epochs, 200, beforeEpoch, line -> log(err, "lowres " + line));
        Optional<BundledPython> torch = bench.noReference ? Optional.empty()
                : BundledPython.find(bench.python, "torch", "torchvision", "numpy");
        JsonNode reference = null;
        if (torch.isPresent()) {
            if (cold) {
                Disk.dropCaches();
            }
            List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--split", split, "--augment",
                    augment, "--batch-size", String.valueOf(batchSize), "--threads", String.valueOf(n), "--epochs",
                    String.valueOf(epochs), "--json"));
            // with --cold the DataLoader starts from a dropped cache; its own epochs are not dropped in between
            reference = torch.get().run("torch_loader.py", args);
            log(err, String.format(Locale.ROOT, "pytorch DataLoader (%d workers): %,.0f images/s", n,
                    reference.path("images_per_second").asDouble()));
        } else if (!bench.noReference) {
            log(err, "pytorch skipped: no Python with torch and torchvision (apt-get install python3-torch "
                    + "python3-torchvision)");
        }
        Double diskMegabytes = null;
        if (cold) {
            Disk.dropCaches();
            List<Path> files = new ArrayList<>();
            manifest.splits().get(split).shards().forEach(s -> files.add(data.resolve(s.images())));
            diskMegabytes = Disk.sequentialRead(files);
            log(err, String.format(Locale.ROOT, "disk, cold sequential read: %,.0f MB/s", diskMegabytes));
        }
        ObjectNode o = BenchOptions.result("load");
        o.put("data", data.toAbsolutePath().toString());
        o.put("records", lowres.records());
        o.put("size", manifest.image().height());
        o.put("augment", augment);
        o.put("order", EpochOrder.parse(order).id());
        o.put("normalization", Normalization.parse(normalization).id());
        o.put("batch_size", batchSize);
        o.put("threads", n);
        o.put("cold", cold);
        ObjectNode ips = o.putObject("images_per_second");
        ips.put("lowres", Math.round(lowres.imagesPerSecond()));
        if (reference != null) {
            ips.put("pytorch", Math.round(reference.path("images_per_second").asDouble()));
            o.put("speedup_vs_pytorch", Math.round(lowres.imagesPerSecond()
                    / reference.path("images_per_second").asDouble() * 10) / 10.0);
            o.put("pytorch_transforms", reference.path("transforms").asText(""));
            o.put("torch_version", reference.path("torch_version").asText(""));
        }
        o.put("lowres_megabytes_per_second", Math.round(lowres.megabytesPerSecond()));
        if (diskMegabytes != null) {
            o.put("disk_sequential_megabytes_per_second", Math.round(diskMegabytes));
            o.put("share_of_disk", Math.round(lowres.megabytesPerSecond() / diskMegabytes * 100) / 100.0);
        }
        bench.print(out, o);
        return ExitCodes.OK;
    }

    private void log(PrintWriter err, String line) {
        if (!common.quiet) {
            err.println("  " + line);
            err.flush();
        }
    }
}
