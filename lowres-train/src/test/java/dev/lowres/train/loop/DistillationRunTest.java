package dev.lowres.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.data.load.Normalization;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.distill.Teacher;
import dev.lowres.train.eval.InputStats;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.Recipes;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with a teacher: the wiring, exact resume, class matching by wnid, input statistics and the errors. */
class DistillationRunTest {
    @TempDir
    static Path shared;
    static Path teacher;

    @TempDir
    Path dir;

    @BeforeAll
    static void teacher() throws Exception {
        TrainingRunTest.data = TinyData.write(shared.resolve("tiny"), 4, 160, 40, 8);
        teacher = shared.resolve("teacher");
        TrainingRunTest.train(teacher, TrainingRunTest.recipe("model=wrn-16-1", "epochs=4"), false, -1);
    }

    static Recipe student(String... overrides) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("distill.teacher=" + teacher, "distill.loss=hinton",
                "label_smoothing=0"));
        all.addAll(List.of(overrides));
        return TrainingRunTest.recipe(all.toArray(String[]::new));
    }

    @Test
    void aStudentLearnsFromTheTeachersOutputsAlone() throws Exception {
        // alpha 1: the labels carry no weight, so what the student knows it learned from the teacher
        TrainingRun.Result r = TrainingRunTest.train(dir.resolve("s"), student("distill.alpha=1"), false, -1);
        assertTrue(r.last().valTop1() > 0.5, "well above the 25% chance of 4 classes: " + r.last());
        RunRecord.Teacher recorded = RunRecord.read(dir.resolve("s").resolve(RunDirectory.RUN)).teacher();
        assertEquals(teacher.resolve(RunDirectory.EXPORT).toAbsolutePath().toString(), recorded.weights());
        assertEquals(dev.lowres.data.store.DigestingWriter.sha256(teacher.resolve(RunDirectory.EXPORT)),
                recorded.sha256());
    }

    @Test
    void withAlphaZeroTheTeacherChangesNothing() throws Exception {
        Path plain = dir.resolve("plain");
        TrainingRunTest.train(plain, TrainingRunTest.recipe("label_smoothing=0"), false, -1);
        Path kd = dir.resolve("kd");
        TrainingRunTest.train(kd, student("distill.alpha=0"), false, -1);
        assertEquals(TrainingRunTest.stepLosses(plain), TrainingRunTest.stepLosses(kd));
        Path some = dir.resolve("some");
        TrainingRunTest.train(some, student("distill.alpha=0.5"), false, -1);
        assertNotEquals(TrainingRunTest.stepLosses(plain), TrainingRunTest.stepLosses(some), "the teacher counts");
    }

    @Test
    void aDistilledRunResumesExactlyAndRefusesAChangedTeacher() throws Exception {
        Recipe recipe = student("distill.loss=nkd", "distill.alpha=1", "distill.temperature=2");
        Path whole = dir.resolve("whole");
        TrainingRunTest.train(whole, recipe, false, -1);
        Path split = dir.resolve("split");
        assertTrue(TrainingRunTest.train(split, recipe, false, 13).stopped());
        TrainingRunTest.train(split, recipe, true, -1);
        assertEquals(TrainingRunTest.stepLosses(whole), TrainingRunTest.stepLosses(split));
        Map<String, Safetensors.Tensor> w1 = Safetensors.read(whole.resolve(RunDirectory.EXPORT)).tensors();
        Map<String, Safetensors.Tensor> w2 = Safetensors.read(split.resolve(RunDirectory.EXPORT)).tensors();
        for (String name : w1.keySet()) {
            assertArrayEquals(w1.get(name).data(), w2.get(name).data(), name);
        }

        // a teacher retrained (other bytes) under the same directory: the resume is refused
        Path copy = shared.resolve("teacher-copy");
        copyTree(teacher, copy);
        Path moving = dir.resolve("moving");
        Recipe fromCopy = student("distill.teacher=" + copy);
        assertTrue(TrainingRunTest.train(moving, fromCopy, false, 5).stopped());
        Files.write(copy.resolve(RunDirectory.EXPORT), Files.readAllBytes(whole.resolve(RunDirectory.EXPORT)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRunTest.train(moving, fromCopy, true, -1));
        assertTrue(e.getMessage().contains("changed since the run started"), e.getMessage());
    }

    @Test
    void classesAreMatchedByWnidAndATeacherMustKnowEveryClass() throws Exception {
        Path reversed = TinyData.write(dir.resolve("reversed"), 4, 160, 40, 8, true);
        TrainingRun.Result r = train(reversed, dir.resolve("s"), student("distill.alpha=1"));
        assertTrue(r.last().valTop1() > 0.5, "the teacher's outputs were put in the data's class order: " + r.last());

        Path other = TinyData.write(dir.resolve("five"), 5, 100, 20, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(other, dir.resolve("t"), student()));
        assertTrue(e.getMessage().contains("cannot teach this data") && e.getMessage().contains("c4"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("t").resolve(RunDirectory.CONFIG)), "refused before the run was written");

        Path bigger = TinyData.write(dir.resolve("bigger"), 4, 160, 40, 12);
        e = assertThrows(IllegalArgumentException.class, () -> train(bigger, dir.resolve("u"), student()));
        assertTrue(e.getMessage().contains("a teacher must see the student's images"), e.getMessage());
    }

    @Test
    void aStudentNormalisingOtherwiseFeedsTheTeacherItsOwnStatistics() throws Exception {
        RunInfo run = RunInfo.load(teacher);
        assertEquals(Normalization.MEAN_IMAGE, run.input().normalization(), "the paper's recipe");
        InputStats unit = new InputStats(Normalization.UNIT, new double[] {0, 0, 0}, new double[] {1, 1, 1}, null);
        float[] pixels = new float[2 * 3 * 8 * 8];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(256);
        }
        dev.lowres.data.store.Manifest manifest = dev.lowres.data.store.Dataset.open(TrainingRunTest.data).manifest();
        Recipe.Distill spec = student().distill();
        try (Teacher t = Teacher.open(Teacher.check(spec, manifest), spec, manifest, unit, Device.cpu(), Precision.FP32,
                true);
             TrainedModel direct = TrainedModel.load(run, RunInfo.Weights.FINAL, Device.cpu());
             PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.floats(pixels, Device.cpu(), 2, 3, 8, 8);
            float[] viaStudent = Tensors.toFloats(t.logits(x.div(new org.bytedeco.pytorch.Scalar(255.0))));
            float[] expected = Tensors.toFloats(direct.logits(x));
            assertArrayEquals(expected, viaStudent, 1e-4f);
        }
    }

    @Test
    void theRecipeAndTheTeacherMustGoTogether() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipes.checkTeacher(Recipes.resolve("kd", List.of())));
        assertTrue(e.getMessage().contains("--teacher"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingRunTest.train(dir.resolve("x"),
                TrainingRunTest.recipe("distill.teacher=" + teacher), false, -1));
        assertTrue(e.getMessage().contains("distill.loss is none"), e.getMessage());
        Exception missing = assertThrows(java.nio.file.NoSuchFileException.class, () -> TrainingRunTest.train(
                dir.resolve("y"), student("distill.teacher=" + dir.resolve("nowhere")), false, -1));
        assertTrue(missing.getMessage().contains("nowhere"), missing.getMessage());
        Path unfinished = dir.resolve("unfinished");
        assertTrue(TrainingRunTest.train(unfinished, TrainingRunTest.recipe(), false, 12).stopped());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingRunTest.train(dir.resolve("z"),
                student("distill.teacher=" + unfinished), false, -1));
        assertTrue(e.getMessage().contains("has not finished") && e.getMessage().contains("distill.weights=best"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> student("distill.alpha=1.5"));
        assertThrows(IllegalArgumentException.class, () -> student("distill.loss=fitnets"));
    }

    private static TrainingRun.Result train(Path data, Path out, Recipe recipe) throws Exception {
        return new TrainingRun(new RunOptions(data, out, recipe, Device.cpu(), Precision.FP32, true, false,
                List.of("test")), TrainListener.NONE).run();
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
