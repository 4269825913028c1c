package dev.lowres.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.Json;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lowres models}: the registry's networks with their parameters and FLOPs at an input size. */
@Command(name = "models",
        description = {"List networks with their parameters and GFLOPs per image (2 x multiply-accumulates of one "
                + "forward pass) at an input size.",
            "",
            "Without names: every registry example that takes the input size. Names may be any the registry "
                + "answers (e.g. wrn-28-10, pyramidnet-110-270, vit-small-p8)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:an unknown name (the valid ones are listed), a network that does not take "
                + "the input size, or a bad option"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class ModelsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Networks to show. Default: the examples.")
    List<String> names = new ArrayList<>();

    @Option(names = {"-s", "--size"}, defaultValue = "32", paramLabel = "PX",
            description = "Input height and width in pixels. Default: 32.")
    int size;

    @Option(names = "--classes", defaultValue = "1000", paramLabel = "N", description = "Output classes. Default: 1000.")
    int classes;

    @Option(names = "--channels", defaultValue = "3", paramLabel = "N", description = "Input channels. Default: 3.")
    int channels;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--engine", description = "Load libtorch, train one step of the first network, and print the "
            + "engine: version, threads, bf16 support, CUDA devices (a check that the natives work here).")
    boolean engine;

    @Override
    public Integer call() throws Exception {
        if (engine) {
            return engine();
        }
        if (size < 1 || classes < 1 || channels < 1) {
            throw new IllegalArgumentException("--size, --classes and --channels must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Network> networks = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        if (names.isEmpty()) {
            for (ModelRegistry.Entry e : ModelRegistry.entries()) {
                for (String name : e.examples()) {
                    try {
                        networks.add(ModelRegistry.create(name, channels, size, classes));
                        descriptions.add(e.description());
                    } catch (IllegalArgumentException notThisSize) {
                        elsewhere.add(name);
                    }
                }
            }
        } else {
            for (String name : names) {
                networks.add(ModelRegistry.create(name, channels, size, classes));
                descriptions.add(description(name));
            }
        }
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("size", size).put("channels", channels).put("classes", classes);
            ArrayNode list = o.putArray("models");
            for (int i = 0; i < networks.size(); i++) {
                Network n = networks.get(i);
                list.addObject().put("name", n.name()).put("parameters", n.parameters()).put("macs", n.macs())
                        .put("gflops", n.gigaflops()).put("description", descriptions.get(i));
            }
            ArrayNode skipped = o.putArray("not_at_this_size");
            elsewhere.forEach(skipped::add);
            out.println(Json.mapper().writeValueAsString(o));
            return ExitCodes.OK;
        }
        int width = "name".length();
        for (Network n : networks) {
            width = Math.max(width, n.name().length());
        }
        String row = "%-" + width + "s  %10s  %8s  %s%n";
        out.printf(Locale.ROOT, "networks for %d x %d x %d inputs (channels x height x width), %d classes%n",
                channels, size, size, classes);
        out.printf(Locale.ROOT, row, "name", "parameters", "GFLOPs", "description");
        for (int i = 0; i < networks.size(); i++) {
            Network n = networks.get(i);
            out.printf(Locale.ROOT, row, n.name(), count(n.parameters()), String.format(Locale.ROOT, "%.3f",
                    n.gigaflops()), descriptions.get(i));
        }
        if (!elsewhere.isEmpty()) {
            out.printf(Locale.ROOT, "not at %d px: %s (try another --size)%n", size, String.join(", ", elsewhere));
        }
        return ExitCodes.OK;
    }

    /** The description of the family that answers a name. */
    private static String description(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            if (e.pattern().matcher(key).matches()) {
                return e.description();
            }
        }
        return "";
    }

    /** A count with three significant digits and a unit: 1.60M, 37.1M, 375K. */
    static String count(long n) {
        double value;
        String unit;
        if (n >= 999_500_000L) {
            value = n / 1e9;
            unit = "G";
        } else if (n >= 999_500L) {
            value = n / 1e6;
            unit = "M";
        } else if (n >= 1000L) {
            value = n / 1e3;
            unit = "K";
        } else {
            return Long.toString(n);
        }
        String format = value >= 99.95 ? "%.0f" : value >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, format, value) + unit;
    }

    /** Loads the engine and runs one training step of a small network on the CPU. */
    private int engine() {
        PrintWriter out = spec.commandLine().getOut();
        String name = names.isEmpty() ? "wrn-10-1" : names.get(0);
        Network net = ModelRegistry.create(name, channels, size, classes);
        dev.lowres.train.engine.Torch.load();
        double loss;
        try (dev.lowres.train.model.Model model = dev.lowres.train.model.Model.create(net,
                dev.lowres.train.engine.Device.cpu(), 0, true);
             org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            float[] pixels = new float[2 * channels * size * size];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) Math.sin(i);
            }
            var x = dev.lowres.train.engine.Tensors.floats(pixels, dev.lowres.train.engine.Device.cpu(), 2, channels,
                    size, size);
            var l = new dev.lowres.train.loop.SoftCrossEntropy(0).apply(model.forward(x, true),
                    dev.lowres.train.engine.Tensors.longs(new int[] {0, 1 % classes}, dev.lowres.train.engine.Device.cpu()));
            l.backward();
            loss = l.item_double();
        }
        int gpus = dev.lowres.train.engine.Torch.cudaDevices();
        out.printf(Locale.ROOT, "%s; %d threads; CPU bf16 %s; CUDA devices %d; one %s step: loss %.4f%n",
                dev.lowres.train.engine.Torch.engine(), dev.lowres.train.engine.Torch.threads(),
                dev.lowres.train.engine.Precision.cpuHasBf16() ? "yes" : "no", gpus, name, loss);
        if (gpus == 0) {
            out.println("no CUDA device: " + dev.lowres.train.engine.Torch.cudaUnavailableReason());
        }
        return Double.isFinite(loss) ? ExitCodes.OK : ExitCodes.SOFTWARE;
    }
}
