package dev.lowres.cli;

import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.prune.ChannelPruning;
import dev.lowres.train.recipe.PruneMethod;
import dev.lowres.train.recipe.PruneSchedule;
import dev.lowres.train.recipe.Word;
import dev.lowres.train.run.RunDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lowres prune}: a smaller network from a trained run, fine-tuned. It is {@code lowres train} with the run's
 * own recipe, its weights as the start, the pruning and a short fine-tuning schedule; the result is an ordinary run.
 */
@Command(name = "prune",
        description = {"Prune a trained run and fine-tune it: a new run that trains, resumes (lowres train --resume) and "
                + "evaluates as any other.",
            "",
            "--method magnitude: global magnitude pruning of the convolution and linear weights (exact zeros, the "
                + "tensors keep their shape), one-shot or gradual (Zhu & Gupta's cubic schedule over the first half "
                + "of the fine-tuning). --method channels: structured pruning of the channels inside every block of "
                + "a Wide ResNet (a smaller network: fewer parameters, FLOPs and milliseconds); <out>/surgery holds "
                + "it before fine-tuning.",
            "The fine-tuning uses the run's recipe with a cosine schedule from a tenth of its learning rate; --set "
                + "changes any key.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:finished", "2:bad option, or a method that does not apply to the network",
            "66:run or dataset not found", "74:I/O error"},
        mixinStandardHelpOptions = true, sortOptions = false)
final class PruneCommand implements Callable<Integer> {
    /** What {@code --method} removes. */
    enum Method implements Word {
        /** Single weights, by global magnitude: a run with {@code prune.method=magnitude}. */
        MAGNITUDE("magnitude"),
        /** Whole channels inside the blocks: a smaller network, made before the fine-tuning. */
        CHANNELS("channels");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The trained run to prune.")
    Path run;

    @Option(names = "--method", required = true, paramLabel = "magnitude|channels",
            description = "magnitude (unstructured) or channels (structured, Wide ResNets).")
    String method;

    @Option(names = "--amount", required = true, paramLabel = "X",
            description = "The share removed, in (0, 1): of the weights (magnitude) or of the channels (channels).")
    double amount;

    @Option(names = "--schedule", defaultValue = "gradual", paramLabel = "oneshot|gradual",
            description = "magnitude: prune everything before fine-tuning, or gradually. Default: gradual.")
    String schedule;

    @Option(names = "--criterion", defaultValue = "l1", paramLabel = "l1|bn-scale",
            description = "channels: rank by each filter's L1 norm, the same share in every block (Li et al. 2017), "
                    + "or by batch-norm scale across all blocks (network slimming). Default: l1.")
    String criterion;

    @Option(names = "--finetune-epochs", defaultValue = "5", paramLabel = "N",
            description = "Epochs of fine-tuning. Default: 5.")
    int epochs;

    @Option(names = "--lr", paramLabel = "X", description = "The fine-tuning's rate. Default: the run's / 10.")
    Double lr;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "The dataset. Default: the run's.")
    Path data;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "The new run directory.")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any recipe key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        PrintWriter text = spec.commandLine().getOut();
        if (!(amount > 0 && amount < 1)) {
            throw new IllegalArgumentException("--amount is the share removed and must be in (0, 1): " + amount);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--finetune-epochs must be at least 1: " + epochs);
        }
        RunInfo from = RunInfo.load(run);
        from.weightsFile(RunInfo.Weights.FINAL);
        List<String> sets = new ArrayList<>(List.of("name=" + from.recipe().name() + "-pruned",
                "schedule.kind=cosine", "schedule.lr=" + (lr != null ? lr : from.recipe().schedule().lr() / 10),
                "schedule.warmup_epochs=0", "schedule.milestones=[]", "distill.loss=none", "distill.teacher=''"));
        Path start = switch (Word.parse(Method.class, "--method", method)) {
            case MAGNITUDE -> {
                sets.addAll(List.of("prune.method=" + PruneMethod.MAGNITUDE.id(), "prune.amount=" + amount,
                        "prune.schedule=" + Word.parse(PruneSchedule.class, "--schedule", schedule).id()));
                yield run;
            }
            case CHANNELS -> {
                Path surgery = out.resolve("surgery");
                sets.add("model=" + surgery(from, surgery, text,
                        Word.parse(ChannelPruning.Criterion.class, "--criterion", criterion)));
                sets.add("prune.method=" + PruneMethod.NONE.id());
                yield surgery;
            }
        };
        sets.add("start_from='" + start.toAbsolutePath().normalize().toString().replace("'", "''") + "'");
        sets.addAll(overrides);
        List<String> train = new ArrayList<>(List.of("train", "--recipe",
                run.resolve(RunDirectory.CONFIG).toString(), "-d", (data != null ? data : from.trainData()).toString(),
                "-o", out.toString(), "--epochs", String.valueOf(epochs), "--device", engine.device,
                "--precision", engine.precision, engine.channelsLast ? "--channels-last" : "--no-channels-last"));
        if (engine.threads != null) {
            train.addAll(List.of("--threads", String.valueOf(engine.threads)));
        }
        if (common.quiet) {
            train.add("--quiet");
        }
        for (String s : sets) {
            train.addAll(List.of("--set", s));
        }
        text.printf("fine-tuning %d epochs: lowres %s%n", epochs, String.join(" ", train));
        text.flush();
        return Main.run(train.toArray(String[]::new), text, spec.commandLine().getErr());
    }

    /** Channel pruning of the run's final weights into {@code dir}; returns the pruned model's name. */
    private String surgery(RunInfo from, Path dir, PrintWriter text, ChannelPruning.Criterion criterion)
            throws Exception {
        Network network = ModelRegistry.create(from.recipe().model(), from.image().channels(), from.image().height(),
                from.classes().size());
        ChannelPruning.Result r = ChannelPruning.prune(network,
                TrainedModel.weights(from, RunInfo.Weights.FINAL, network), amount, criterion);
        ChannelPruning.write(from, r, dir, CommandLines.current(spec));
        Network smaller = ModelRegistry.create(r.model(), from.image().channels(), from.image().height(),
                from.classes().size());
        text.printf(Locale.ROOT, "%s -> %s: %,d -> %,d parameters, %.4f -> %.4f GFLOPs per image; before fine-tuning "
                        + "in %s%n", network.name(), r.model(), network.parameters(), smaller.parameters(),
                network.gigaflops(), smaller.gigaflops(), dir);
        return r.model();
    }
}
