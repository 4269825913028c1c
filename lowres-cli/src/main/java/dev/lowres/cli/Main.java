package dev.lowres.cli;

import dev.lowres.data.Version;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lowres} command. */
@Command(name = "lowres",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {"Image classification on ImageNet and its downsampled variants (Imagenet16/32/64).",
            "Build the datasets exactly as the paper's scripts did, load, train, evaluate."},
        footer = {"", "Run 'lowres COMMAND --help' for a command's options and exit codes.",
            "The launcher also runs 'lowres spark-build': lowres build as an Apache Spark job (module lowres-spark,",
            "built with Spark's jars on first use; README), and 'lowres serve': the web workbench over a folder of",
            "datasets, runs and evaluations (module lowres-web, built on first use).",
            "Set LOWRES_PROGRESS=always|never to force progress bars on or off."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The commands in the order of the help, each made only when used: picocli reads every command's
     * annotations when it is added, and adding all thirteen costs a third of a second at every start.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("demo", DemoCommand::new);
        commands.put("synth", SynthCommand::new);
        commands.put("build", BuildCommand::new);
        commands.put("train", TrainCommand::new);
        commands.put("prune", PruneCommand::new);
        commands.put("quantize", QuantizeCommand::new);
        commands.put("eval", EvalCommand::new);
        commands.put("compare", CompareCommand::new);
        commands.put("explain", ExplainCommand::new);
        commands.put("import", ImportCommand::new);
        commands.put("export", ExportCommand::new);
        commands.put("info", InfoCommand::new);
        commands.put("verify", VerifyCommand::new);
        commands.put("preview", PreviewCommand::new);
        commands.put("bench", BenchCommand::new);
        commands.put("models", ModelsCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return java.util.Collections.unmodifiableMap(commands);
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // "lowres build ...": only build's command is made; anything else (help, a typo) gets them all
        String first = args.length > 0 ? args[0] : "";
        if (first.equals("spark-build")) {
            err.println("lowres: spark-build runs from its own module with Spark's jars: use the ./lowres launcher "
                    + "(./lowres spark-build ...), or spark-submit --class dev.lowres.spark.BuildJob "
                    + "lowres-spark/target/lowres-spark-job.jar ...");
            return ExitCodes.USAGE;
        }
        if (first.equals("serve")) {
            err.println("lowres: serve runs from its own module: use the ./lowres launcher (./lowres serve --root DIR), "
                    + "or java -jar lowres-web/target/lowres-web.jar --root DIR");
            return ExitCodes.USAGE;
        }
        boolean one = COMMANDS.containsKey(first) && !first.equals("help");
        // "lowres --version" alone needs no command at all
        boolean version = args.length == 1 && (first.equals("--version") || first.equals("-V"));
        CommandLine cli = commandLine(out, err, version ? List.of() : one ? List.of(first) : COMMANDS.keySet());
        return cli.execute(args);
    }

    /** The command line with every command. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, COMMANDS.keySet());
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, Collection<String> names) {
        CommandLine cli = new CommandLine(new Main());
        for (String name : names) {
            cli.addSubcommand(name, COMMANDS.get(name).get());
        }
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
