package dev.lowres.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lowres.data.store.Json;
import dev.lowres.train.eval.result.EvalMetrics;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
    @TempDir
    Path dir;

    private Path run(String name, String... overrides) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        Files.writeString(run.resolve(RunDirectory.CONFIG), "# lowres run: test\n"
                + Recipes.toYaml(Recipes.resolve("demo", List.of(overrides))));
        return run;
    }

    @Test
    void runsThatDifferOnlyBySeedShareAGroup() throws Exception {
        EvalMetrics m = Json.mapper().readValue("{\"run\": {\"model\": \"wrn-16-2\", \"recipe\": \"demo\", "
                + "\"train_data\": \"/data/x\", \"checkpoint\": \"model.safetensors\"}}",
                EvalMetrics.class);
        String a = Comparison.seedGroup(run("a", "seed=1"), m);
        assertEquals(a, Comparison.seedGroup(run("b", "seed=2"), m));
        assertNotEquals(a, Comparison.seedGroup(run("c", "seed=1", "schedule.lr=0.2"), m));
        EvalMetrics otherData = Json.mapper().readValue("{\"run\": {\"model\": \"wrn-16-2\", "
                + "\"recipe\": \"demo\", \"train_data\": \"/data/y\", \"checkpoint\": \"model.safetensors\"}}",
                EvalMetrics.class);
        assertNotEquals(a, Comparison.seedGroup(dir.resolve("b"), otherData));
    }
}
