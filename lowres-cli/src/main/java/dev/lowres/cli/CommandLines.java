package dev.lowres.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The command line as typed, recorded in manifests and run directories. */
final class CommandLines {
    private CommandLines() {
    }

    static List<String> current(CommandSpec spec) {
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
