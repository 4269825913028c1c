package dev.lowres.cli;

import dev.lowres.data.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lowres} command. */
@Command(name = "lowres",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {"Image classification on ImageNet and its downsampled variants (Imagenet16/32/64).",
            "Build the datasets exactly as the paper's scripts did, load, train, evaluate."},
        subcommands = {
            DemoCommand.class,
            SynthCommand.class,
            BuildCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            CompareCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            InfoCommand.class,
            VerifyCommand.class,
            PreviewCommand.class,
            BenchCommand.class,
            ModelsCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Run 'lowres COMMAND --help' for a command's options and exit codes.",
            "Set LOWRES_PROGRESS=always|never to force progress bars on or off."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    /** The configured command line. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setUsageHelpAutoWidth(true);
        cli.setUsageHelpLongOptionsMaxWidth(28);
        cli.setExecutionExceptionHandler(new Failures());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("lowres: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            }
            return ExitCodes.USAGE;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the version of lowres and of the decoder. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.TOOL,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
