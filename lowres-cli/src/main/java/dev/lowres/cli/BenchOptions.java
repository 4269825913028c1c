package dev.lowres.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every {@code lowres bench} verb shares: whether to run, in the same run, the tool a user would pick
 * instead (the PIL scripts for build, a PyTorch DataLoader for load, PyTorch for train), with which Python, and
 * how to print the result.
 */
final class BenchOptions {
    @Option(names = "--no-reference",
            description = "Measure lowres alone, without the side-by-side tool (PIL for build, PyTorch for load and train).")
    boolean noReference;

    @Option(names = "--python", paramLabel = "PATH",
            description = "The Python that runs the side-by-side tool. Default: the first python3 that has it.")
    Path python;

    @Option(names = "--json", description = "Print one JSON object instead of a report.")
    boolean json;
}
