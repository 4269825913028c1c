package dev.lowres.cli;

import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.quant.Calibration;
import dev.lowres.train.quant.PostTraining;
import dev.lowres.train.run.Quantization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lowres quantize}: post-training int8 quantization of a trained run, calibrated on its training images. */
@Command(name = "quantize",
        description = {"Quantize a trained run to int8 after training: a run directory that lowres eval evaluates "
                + "on libtorch's int8 CPU kernels (fbgemm / x86).",
            "",
            "Weights per output channel (symmetric int8), activations per tensor (affine uint8) with ranges "
                + "observed on --calibration training images; batch norms folded into the convolutions. Wide "
                + "ResNets (channel-pruned ones too).", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "2:bad option, or a network it does not apply to", "66:run or dataset not found",
            "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The trained run.")
    Path run;

    @Option(names = "--method", defaultValue = "ptq-int8", paramLabel = "ptq-int8",
            description = "ptq-int8: post-training int8 with calibration. Default: ptq-int8.")
    String method;

    @Option(names = "--calibration", defaultValue = "1024", paramLabel = "N",
            description = "Training images whose activations set the ranges. Default: 1024.")
    int records;

    @Option(names = "--observer", defaultValue = "minmax", paramLabel = "minmax|percentile",
            description = "Ranges from the extreme values seen, or from the 0.01/99.99th percentiles of each batch "
                    + "(averaged). Default: minmax.")
    String observer;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "Calibration dataset. Default: the run's.")
    Path data;

    @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Its split. Default: train.")
    String split;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the images' choice.")
    long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "The quantized run (new).")
    Path out;

    @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "CPU threads. Default: the cores.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter text = spec.commandLine().getOut();
        if (!method.trim().toLowerCase(Locale.ROOT).equals("ptq-int8")) {
            throw new IllegalArgumentException("--method must be ptq-int8 (post-training int8): " + method);
        }
        if (threads != null) {
            dev.lowres.train.engine.Torch.threads(threads);
        }
        Quantization.requireNew(out); // before the calibration, not after it
        RunInfo from = RunInfo.load(run);
        Network network = ModelRegistry.create(from.recipe().model(), from.image().channels(), from.image().height(),
                from.classes().size());
        Quantization q = PostTraining.calibrate(network, TrainedModel.weights(from, RunInfo.Weights.FINAL, network),
                data != null ? data : from.trainData(), split, from.input()::apply, records,
                Calibration.Observer.parse(observer), seed, run);
        q.write(run, from.weightsFile(RunInfo.Weights.FINAL), out);
        text.printf(Locale.ROOT, "%s quantized to int8 (%s kernels), ranges of %d points from %d %s images (%s)%n"
                + "  -> %s; evaluate it with: lowres eval --run %s%n", network.name(), q.engine(), q.ranges().size(),
                q.calibrationRecords(), split, q.observer(), out, out);
        return ExitCodes.OK;
    }
}
