package dev.lowres.train.eval.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.json}, the record of one evaluation (docs/metrics-json.md). A section is null when it was not
 * computed, and {@link #skipped} says why; a figure that could not be computed (an empty class, an empty bin) is
 * null. Written with the components in declaration order, snake_case, by {@link #write}; read by {@link #read}.
 *
 * @param format always {@value #FORMAT}
 * @param tool the version that wrote it
 * @param created when, to the second (ISO-8601, UTC)
 * @param command the command line
 * @param skipped section (or part) name to the reason it was not computed; absent when nothing was skipped
 */
public record EvalMetrics(String format, String tool, String created, List<String> command,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> skipped, RunSection run,
                          DataSection data, Accuracy accuracy, MultiLabel multilabel, Calibration calibration,
                          Robustness robustness, Efficiency efficiency, List<Mistake> mistakes) {
    public static final String FORMAT = "lowres-eval/1";
    /** Its name in an evaluation's directory. */
    public static final String FILE = "metrics.json";

    public EvalMetrics {
        command = command == null ? List.of() : List.copyOf(command);
        skipped = skipped == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(skipped));
        mistakes = mistakes == null ? List.of() : List.copyOf(mistakes);
    }

    /**
     * The run evaluated.
     *
     * @param checkpoint which weights, relative to the run ({@code model.safetensors}, a checkpoint, "... (ema)")
     */
    public record RunSection(String dir, String model, String recipe, long seed, int epochs, String checkpoint,
                             String trainData) {
    }

    /**
     * The data evaluated on.
     *
     * @param image channels, height, width
     */
    public record DataSection(String dir, String name, String split, long records, int classes, List<Integer> image) {
        /** The name {@code lowres compare} and the reports give this eval set: {@code <name>-<split>}. */
        public String evalName() {
            return name + "-" + split;
        }
    }

    /**
     * The clean pass's accuracy.
     *
     * @param loss mean cross-entropy (nats)
     * @param flipTta whether probabilities were averaged with the mirrored image's
     */
    public record Accuracy(Double top1, Double top5, Double meanPerClass, Double loss, boolean flipTta,
                           List<ClassScore> perClass, List<Confusion> mostConfused) {
        public Accuracy {
            perClass = perClass == null ? List.of() : List.copyOf(perClass);
            mostConfused = mostConfused == null ? List.of() : List.copyOf(mostConfused);
        }
    }

    /** One class's accuracy (top-1 and top-5 null for a class without records). */
    public record ClassScore(int index, String wnid, String name, long records, Double top1, Double top5) {
    }

    /**
     * A pair of the confusion matrix: records of class {@code trueClass} predicted as {@code predicted}.
     *
     * @param share of the true class's records
     */
    public record Confusion(@JsonProperty("true") int trueClass, String trueWnid, String trueName, int predicted,
                            String predictedWnid, String predictedName, long count, Double share) {
    }

    /**
     * Accuracy against multi-labels (ReaL, Beyer et al. 2020, or a general JSON file).
     *
     * @param kind {@code real} or {@code json}
     * @param labelled records with a non-empty label set
     * @param top1 top-1 counted correct when in the record's label set
     * @param originalTop1 top-1 against the original label on the same records
     */
    public record MultiLabel(String source, String kind, long labelled, Double top1, Double originalTop1,
                             long mistakes, long mistakesValid, Double mistakesValidShare, long droppedLabels,
                             long unmatchedFileEntries) {
    }

    /** Calibration of the probabilities: ECE over {@code bins} bins, NLL, Brier, the reliability bins, T. */
    public record Calibration(int bins, Double ece, Double nll, Double brier, List<Bin> reliability,
                              @JsonInclude(JsonInclude.Include.NON_NULL) TemperatureFit temperature) {
        public Calibration {
            reliability = reliability == null ? List.of() : List.copyOf(reliability);
        }
    }

    /** One confidence bin (lower, upper]: its records, mean confidence and accuracy (null when empty). */
    public record Bin(double lower, double upper, long count, Double confidence, Double accuracy) {
    }

    /** Temperature scaling fitted on the even records of the study and measured on the odd ones. */
    public record TemperatureFit(double value, long fitRecords, long evalRecords, Scores before, Scores after) {
    }

    /** The three calibration figures of one set of probabilities. */
    public record Scores(Double ece, Double nll, Double brier) {
    }

    /**
     * The robustness passes on an evenly spaced subset of {@code records}: the corruptions' part is absent when
     * none ran, {@code adversarial} when no attack ran.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Robustness(int records, Double cleanTop1, List<CorruptionScore> corruptions,
                             Double meanCorruptionTop1, Adversarial adversarial) {
    }

    /** Top-1 under one corruption at severities 1..5. */
    public record CorruptionScore(String name, List<Double> top1) {
        public CorruptionScore {
            top1 = List.copyOf(top1);
        }
    }

    /** FGSM and PGD (L-infinity, epsilon in 1/255 units). */
    public record Adversarial(double epsilon, int records, Double fgsmTop1, Double pgdTop1, int pgdSteps,
                              double pgdStepSize) {
    }

    /**
     * The network's size and speed. {@code nonzeroParameters} and {@code weightBits} are null in files written
     * before compression came; the measured figures are absent with {@code --no-efficiency}.
     *
     * @param weightSparsity the share of zeros among the convolution and linear weights (absent when none)
     * @param ranks the processes that shared the evaluation (absent for one)
     * @param evalImagesPerSecond the whole clean pass (load, forward, metrics)
     */
    public record Efficiency(long parameters, Long nonzeroParameters, Integer weightBits,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Double weightSparsity, double gflopsPerImage,
                             String device, String precision, int threads,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Double latencyMsBatch1,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer throughputBatch,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Double throughputImagesPerSecond,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer ranks, Double evalImagesPerSecond) {
    }

    /**
     * A misclassified record of the gallery (most confident first).
     *
     * @param realCorrect whether the multi-labels accept its top-1 (null: no labels for it)
     */
    public record Mistake(int index, String key, int label, List<Guess> top5, Boolean realCorrect) {
        public Mistake {
            top5 = List.copyOf(top5);
        }
    }

    /** A class and its probability. */
    public record Guess(int index, double prob) {
    }

    /** A file that is not a lowres evaluation's metrics.json (another format, or not JSON of this shape). */
    public static final class NotAnEvaluation extends IOException {
        private final String why;

        NotAnEvaluation(Path file, String why, Throwable cause) {
            super(file + " is not a lowres evaluation" + why, cause);
            this.why = why;
        }

        /** What is wrong, after "is not a lowres evaluation": " (format x)", ": no run section". */
        public String why() {
            return why;
        }

        /** Whether the file is JSON of another format (another tool's, say), not a damaged evaluation. */
        public boolean otherFormat() {
            return why.startsWith(" (format");
        }
    }

    /**
     * Reads {@code file}; a file of another format, not JSON of this shape, or without the run and data sections
     * every evaluation writes is a {@link NotAnEvaluation}.
     */
    public static EvalMetrics read(Path file) throws IOException {
        EvalMetrics m;
        try {
            m = Json.mapper().readValue(file.toFile(), EvalMetrics.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new NotAnEvaluation(file, ": " + e.getOriginalMessage(), e);
        }
        if (m == null || !FORMAT.equals(m.format())) {
            throw new NotAnEvaluation(file, " (format " + (m == null ? null : m.format()) + ")", null);
        }
        if (m.run() == null || m.data() == null) {
            throw new NotAnEvaluation(file, ": no " + (m.run() == null ? "run" : "data") + " section", null);
        }
        return m;
    }

    /** Writes it to {@code file} atomically, indented. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }

    /** A figure as metrics.json keeps it: rounded to six decimals, null when not finite. */
    public static Double figure(double v) {
        return Double.isFinite(v) ? round(v, 6) : null;
    }

    /** {@code v} rounded half-even to {@code digits} decimals (non-finite values unchanged). */
    public static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        return BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
    }
}
