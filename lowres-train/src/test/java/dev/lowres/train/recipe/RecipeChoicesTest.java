package dev.lowres.train.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe's closed choices read from their words, refuse others by name, and write back as they were read. */
class RecipeChoicesTest {
    @TempDir
    Path dir;

    private static Recipe cosine(String... overrides) throws Exception {
        return Recipes.resolve("cosine", List.of(overrides));
    }

    private Recipe roundTrip(Recipe recipe) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, Recipes.toYaml(recipe));
        return Recipes.fromYaml(file);
    }

    @Test
    void quantizeIsNoneOrDoReFaWithItsBits() throws Exception {
        assertEquals(Quantization.NONE, cosine().quantize());
        Recipe q = cosine("quantize= DoReFa:W4A2 ");
        assertEquals(new Quantization.DoReFa(4, 2), q.quantize());
        assertTrue(Recipes.toYaml(q).contains("quantize: dorefa:w4a2"), Recipes.toYaml(q));
        assertEquals(q, roundTrip(q));
        assertEquals(new Quantization.DoReFa(32, 8), cosine("quantize=dorefa:w32a8").quantize());
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> cosine("quantize=dorefa:w16a4"));
        assertTrue(bits.getMessage().contains("1 to 8 bits (32: full precision)")
                && bits.getMessage().contains("dorefa:w16a4"), bits.getMessage());
        IllegalArgumentException form = assertThrows(IllegalArgumentException.class, () -> cosine("quantize=int8"));
        assertTrue(form.getMessage().contains("quantize must be none or dorefa:w<bits>a<bits>"), form.getMessage());
    }

    @Test
    void theTeachersWeightsAreOneOfTheRunsFiles() throws Exception {
        assertEquals(TeacherWeights.FINAL, cosine().distill().weights());
        Recipe ema = cosine("distill.weights=EMA");
        assertEquals(TeacherWeights.EMA, ema.distill().weights());
        assertTrue(Recipes.toYaml(ema).contains("weights: ema"), Recipes.toYaml(ema));
        assertEquals(ema, roundTrip(ema));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cosine("distill.weights=bestest"));
        assertTrue(e.getMessage().contains("distill.weights must be final, best, last, ema: bestest"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cosine("distill.weights=auto"),
                "a teacher's file is named, not chosen");
    }
}
