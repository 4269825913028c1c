package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help prints as written: picocli formats each description line with {@link String#format}, and a
 * bare {@code %} (as in "40% slower", once in {@code lowres eval --help}) makes it print a warning to standard error
 * above the help.
 */
class HelpTest {
    @Test
    void everyHelpTextPrintsWithoutAWarning() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> commands = new ArrayList<>();
        collect(root, commands);
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        List<String> bad = new ArrayList<>();
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            for (CommandLine c : commands) {
                StringWriter help = new StringWriter();
                c.usage(new PrintWriter(help));
                String said = warnings.toString(StandardCharsets.UTF_8);
                if (!said.isEmpty()) {
                    bad.add(c.getCommandSpec().qualifiedName() + ": " + said);
                    warnings.reset();
                }
                assertTrue(help.toString().contains("Usage: " + c.getCommandSpec().qualifiedName()), help.toString());
            }
        } finally {
            System.setErr(err);
        }
        assertEquals(List.of(), bad);
        assertTrue(commands.size() > 15, "the walk reached the subcommands: " + commands.size());
    }

    @Test
    void theVersionPrintsWithoutMakingAnyCommandAndHelpStillListsThemAll() {
        for (String flag : List.of("--version", "-V")) {
            StringWriter out = new StringWriter();
            assertEquals(0, Main.run(new String[] {flag}, new PrintWriter(out, true), new PrintWriter(new StringWriter())));
            assertTrue(out.toString().startsWith(dev.lowres.data.Version.TOOL) && out.toString().contains("Java "),
                    out.toString());
        }
        StringWriter help = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintWriter(help, true), new PrintWriter(new StringWriter())));
        assertTrue(help.toString().contains("build") && help.toString().contains("quantize"), help.toString());
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        for (CommandLine sub : c.getSubcommands().values()) {
            collect(sub, into);
        }
    }
}
