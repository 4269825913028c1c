package dev.lowres.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.Version;
import dev.lowres.data.store.Json;
import java.io.PrintWriter;
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

    /** The object every bench verb prints, begun: which bench, the tool, and the machine (cores, CPU, Java). */
    static ObjectNode result(String bench) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("bench", bench);
        o.put("tool", Version.TOOL);
        ObjectNode machine = o.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", Machine.cpuModel());
        machine.put("java", System.getProperty("java.version"));
        return o;
    }

    /** Prints the result: one line with --json, indented otherwise. */
    void print(PrintWriter out, ObjectNode o) throws JsonProcessingException {
        out.println(json ? Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o)
                : Json.mapper().writeValueAsString(o));
    }
}
