package dev.lowres.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The command line as typed, recorded in manifests and run directories. */
final class CommandLines {
    private CommandLines() {
    }

    /**
     * The environment variable through which {@code --nproc} gives its ranks the command the user typed (a JSON array
     * of its words), so that a rank records that command and not its own, with --init and --threads.
     */
    static final String LAUNCHED_AS = "LOWRES_LAUNCHED_AS";

    static List<String> current(CommandSpec spec) {
        String launched = System.getenv(LAUNCHED_AS);
        if (launched != null && !launched.isEmpty()) {
            try {
                return List.of(dev.lowres.data.store.Json.mapper().readValue(launched, String[].class));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(LAUNCHED_AS + " is not the JSON array --nproc sets: " + launched);
            }
        }
        return typed(spec);
    }

    /** The command line this process was given. */
    static List<String> typed(CommandSpec spec) {
        List<String> words = new ArrayList<>();
        words.add("lowres");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        if (args.isEmpty() || !args.get(0).equals(spec.name())) {
            words.add(spec.name());
        }
        words.addAll(args);
        return words;
    }
}
