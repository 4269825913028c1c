package dev.lowres.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.store.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code lowres models}: the paper's figures, the examples at a size, and unknown names. */
class ModelsCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run lowres(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** A table row: the name, then the parameters and GFLOPs columns. */
    static boolean hasRow(String out, String name, String parameters) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + " +" + Pattern.quote(parameters) + " +\\d+\\.\\d{3} ")
                .matcher(out).find();
    }

    @Test
    void theWideResNetsOfThePaperAt32Px() {
        Run run = lowres("models", "--size", "32", "wrn-28-2", "wrn-28-10");
        assertEquals(0, run.code(), run.err());
        assertTrue(hasRow(run.out(), "wrn-28-2", "1.60M"), run.out());
        assertTrue(hasRow(run.out(), "wrn-28-10", "37.1M"), run.out());
        assertTrue(run.out().contains("Chrabaszcz"), run.out());

        Run json = lowres("models", "wrn-28-2", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode model = readTree(json.out()).get("models").get(0);
        assertEquals("wrn-28-2", model.get("name").asText());
        assertEquals(1_596_216, model.get("parameters").asLong());
        assertEquals(2.0 * model.get("macs").asLong() / 1e9, model.get("gflops").asDouble(), 1e-12);
    }

    @Test
    void withoutNamesEveryExampleThatTakesTheSize() {
        Run run = lowres("models");
        assertEquals(0, run.code(), run.err());
        assertTrue(hasRow(run.out(), "wrn-28-2", "1.60M"), run.out());
        assertTrue(hasRow(run.out(), "wrn-28-10", "37.1M"), run.out());
        for (String name : new String[] {"preact-resnet-18", "pyramidnet-110-48", "mobilenetv2", "vit-tiny"}) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(name) + " ").matcher(run.out()).find(), name);
        }
        assertFalse(Pattern.compile("(?m)^wrn-36-2 ").matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("not at 32 px: wrn-36-2, wrn-20-1"), run.out());

        Run at64 = lowres("models", "--size", "64", "--classes", "10");
        assertEquals(0, at64.code(), at64.err());
        assertTrue(Pattern.compile("(?m)^wrn-36-2 ").matcher(at64.out()).find(), at64.out());
        assertTrue(at64.out().contains("3 x 64 x 64"), at64.out());
    }

    @Test
    void anUnknownNameExitsTwoListingTheValidOnes() {
        Run run = lowres("models", "wrn28");
        assertEquals(ExitCodes.USAGE, run.code());
        assertTrue(run.err().contains("unknown model 'wrn28'"), run.err());
        assertTrue(run.err().contains("wrn-<depth>-<width>") && run.err().contains("vit-<tiny|small|base>"), run.err());

        Run wrongSize = lowres("models", "--size", "32", "wrn-36-2");
        assertEquals(ExitCodes.USAGE, wrongSize.code());
        assertTrue(wrongSize.err().contains("WRN-36-k at 64 px"), wrongSize.err());

        Run patch = lowres("models", "--size", "30", "vit-tiny");
        assertEquals(ExitCodes.USAGE, patch.code());
        assertTrue(patch.err().contains("patch size 4 must divide the input size 30"), patch.err());
    }

    @Test
    void countsHaveThreeSignificantDigits() {
        assertEquals("1.60M", ModelsCommand.count(1_596_216));
        assertEquals("37.1M", ModelsCommand.count(37_118_264));
        assertEquals("375K", ModelsCommand.count(375_195));
        assertEquals("1.00M", ModelsCommand.count(999_999));
        assertEquals("110M", ModelsCommand.count(110_015_064));
        assertEquals("950", ModelsCommand.count(950));
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(s, e);
        }
    }
}
