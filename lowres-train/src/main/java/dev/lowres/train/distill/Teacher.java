package dev.lowres.train.distill;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.DigestingWriter;
import dev.lowres.data.store.Manifest;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.eval.ClassMapping;
import dev.lowres.train.eval.InputStats;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.ScriptedRun;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.model.InputShape;
import dev.lowres.train.recipe.Recipe;
import dev.lowres.train.recipe.TeacherWeights;
import dev.lowres.train.run.RunDirectory;
import dev.lowres.train.run.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The network a run distils from: a lowres run's trained weights (or a TorchScript run) in inference mode, fed the
 * student's own augmented batch and giving logits in the student's class order.
 *
 * <p>Its classes are matched by WordNet id: every class of the student's data must be one of the teacher's outputs
 * (a teacher of more classes gives its distribution restricted to the data's, renormalised by the softmax), in any
 * order. Its input is the student's batch as it is when both normalise alike; otherwise the batch is taken back to
 * pixels and normalised the teacher's way, so a teacher trained with other statistics sees the same images.
 */
public final class Teacher implements AutoCloseable {
    private final TrainedModel model;
    private final Tensor columns;
    private final InputStats studentInput;
    private final RunRecord.Teacher identity;

    private Teacher(TrainedModel model, Tensor columns, InputStats studentInput, RunRecord.Teacher identity) {
        this.model = model;
        this.columns = columns;
        this.studentInput = studentInput;
        this.identity = identity;
    }

    /**
     * Which file a recipe's teacher is and its digest, without loading it.
     *
     * @throws IllegalArgumentException when the teacher is not a run or lacks the chosen weights
     */
    public static RunRecord.Teacher identify(Recipe.Distill spec) throws IOException, DatasetException {
        RunInfo run = RunInfo.load(Path.of(spec.teacher()));
        Path file = file(run, spec);
        return new RunRecord.Teacher(run.dir().toAbsolutePath().normalize().toString(),
                file.toAbsolutePath().normalize().toString(), DigestingWriter.sha256(file), run.recipe().model());
    }

    /** The run directory's file that a recipe's {@code distill.weights} names. */
    static RunInfo.Weights runWeights(TeacherWeights weights) {
        return switch (weights) {
            case FINAL -> RunInfo.Weights.FINAL;
            case BEST -> RunInfo.Weights.BEST;
            case LAST -> RunInfo.Weights.LAST;
            case EMA -> RunInfo.Weights.EMA;
        };
    }

    private static Path file(RunInfo run, Recipe.Distill spec) {
        if (ScriptedRun.isScripted(run)) {
            return run.dir().resolve(ScriptedRun.FILE);
        }
        RunInfo.Weights weights = runWeights(spec.weights());
        if (weights == RunInfo.Weights.FINAL && !Files.exists(run.dir().resolve(RunDirectory.EXPORT))) {
            throw new IllegalArgumentException("the teacher " + run.dir() + " has not finished (no "
                    + RunDirectory.EXPORT + "); wait for it, or distil from its best checkpoint "
                    + "with --set distill.weights=best");
        }
        return run.weightsFile(weights);
    }

    /**
     * Checks, without loading its weights, that the teacher can teach a student on {@code data}: its run and weights
     * exist, it takes the data's images and knows every class of the data.
     *
     * @return its identity for run.json
     * @throws IllegalArgumentException naming what does not fit
     */
    public static RunRecord.Teacher check(Recipe.Distill spec, Manifest data) throws IOException, DatasetException {
        RunRecord.Teacher identity = identify(spec);
        RunInfo run = RunInfo.load(Path.of(spec.teacher()));
        Manifest.ImageShape image = data.image();
        Manifest.ImageShape theirs = run.image();
        if (theirs.channels() != image.channels() || theirs.height() != image.height()
                || theirs.width() != image.width()) {
            throw new IllegalArgumentException("the teacher " + run.dir() + " takes " + theirs + " images, the data "
                    + image + ": a teacher must see the student's images");
        }
        columns(data.classes(), run.classes(), run.dir());
        return identity;
    }

    /**
     * Loads the teacher, {@linkplain #check checked} as {@code identity}, for a student trained on {@code data} with
     * input {@code studentInput}.
     */
    public static Teacher open(RunRecord.Teacher identity, Recipe.Distill spec, Manifest data,
                               InputStats studentInput, Device device, Precision precision, boolean channelsLast)
            throws IOException, DatasetException {
        RunInfo run = RunInfo.load(Path.of(spec.teacher()));
        int[] columns = columns(data.classes(), run.classes(), run.dir());
        TrainedModel model = TrainedModel.load(run, runWeights(spec.weights()), device, precision,
                channelsLast);
        InputStats convert = studentInput.sameAs(run.input()) ? null : studentInput;
        Tensor index = null;
        if (columns != null) {
            try (PointerScope scope = new PointerScope()) {
                index = Tensors.longs(columns, device).retainReference();
            }
        }
        return new Teacher(model, index, convert, identity);
    }

    /** The teacher's output for each of the data's classes, or null when they are the same in the same order. */
    private static int[] columns(List<ClassEntry> data, List<ClassEntry> teacher, Path dir) {
        ClassMapping mapping;
        try {
            mapping = ClassMapping.of(data, null, teacher);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the teacher " + dir + " cannot teach this data: " + e.getMessage(), e);
        }
        if (mapping.identity() && data.size() == teacher.size()) {
            return null;
        }
        int[] out = new int[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = mapping.toModel(i);
        }
        return out;
    }

    /**
     * The teacher's logits (N, the data's classes), fp32 and without a graph, for the student's normalised batch
     * (N, C, H, W). The tensors belong to the innermost open {@link org.bytedeco.javacpp.PointerScope}.
     */
    public Tensor logits(Tensor studentBatch) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor out = studentInput == null ? model.logitsOfNormalised(studentBatch)
                    : model.logits(studentInput.invert(studentBatch));
            return columns == null ? out : out.index_select(1, columns);
        }
    }

    /** The teacher's run, weights file and digest, for run.json. */
    public RunRecord.Teacher identity() {
        return identity;
    }

    /** What the teacher is, in a line. */
    public String describe() {
        return identity.model() + " from " + identity.weights() + (columns == null ? "" : ", outputs matched by wnid")
                + (studentInput == null ? "" : ", the batch renormalised to its statistics");
    }

    /** Its input shape. */
    public InputShape input() {
        return model.input();
    }

    @Override
    public void close() {
        if (columns != null) {
            columns.releaseReference();
        }
        model.close();
    }
}
