package dev.lowres.cli;

import picocli.CommandLine.Command;

/** {@code lowres bench}: the benchmark commands; each takes {@code --json}. */
@Command(name = "bench",
        description = {"Measure a stage's speed side by side with the tool a user would otherwise use.",
            "",
            "Every bench command takes --json and then prints one JSON object whose figures are named "
                + "images_per_second. Results and the machine they came from go in BENCHMARKS.md.", ""},
        subcommands = {BenchBuildCommand.class, BenchLoadCommand.class, BenchTrainCommand.class, BenchLatencyCommand.class,
            BenchDatasetCommand.class},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
