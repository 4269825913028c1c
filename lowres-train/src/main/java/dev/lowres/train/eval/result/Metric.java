package dev.lowres.train.eval.result;

import java.util.function.Function;

/**
 * The headline figures of a {@link EvalMetrics}: each has its dotted name (the key {@code compare.json} uses and
 * the path of its section, for the {@code skipped} reasons) and reads itself from the record, null where the file
 * does not hold it. The reports print them and {@code lowres compare} summarises them across seeds, so a figure
 * means the same thing everywhere.
 */
public enum Metric {
    TOP1("accuracy.top1", m -> of(m.accuracy(), EvalMetrics.Accuracy::top1)),
    TOP5("accuracy.top5", m -> of(m.accuracy(), EvalMetrics.Accuracy::top5)),
    MEAN_PER_CLASS("accuracy.mean_per_class", m -> of(m.accuracy(), EvalMetrics.Accuracy::meanPerClass)),
    LOSS("accuracy.loss", m -> of(m.accuracy(), EvalMetrics.Accuracy::loss)),
    REAL_TOP1("multilabel.top1", m -> of(m.multilabel(), EvalMetrics.MultiLabel::top1)),
    REAL_ORIGINAL_TOP1("multilabel.original_top1", m -> of(m.multilabel(), EvalMetrics.MultiLabel::originalTop1)),
    REAL_VALID_MISTAKES("multilabel.mistakes_valid_share",
            m -> of(m.multilabel(), EvalMetrics.MultiLabel::mistakesValidShare)),
    ECE("calibration.ece", m -> of(m.calibration(), EvalMetrics.Calibration::ece)),
    NLL("calibration.nll", m -> of(m.calibration(), EvalMetrics.Calibration::nll)),
    BRIER("calibration.brier", m -> of(m.calibration(), EvalMetrics.Calibration::brier)),
    ECE_BEFORE_T("calibration.temperature.before.ece",
            m -> of(temperature(m), t -> of(t.before(), EvalMetrics.Scores::ece))),
    ECE_AFTER_T("calibration.temperature.after.ece",
            m -> of(temperature(m), t -> of(t.after(), EvalMetrics.Scores::ece))),
    CLEAN_SUBSET_TOP1("robustness.clean_top1", "robustness.corruptions",
            m -> of(m.robustness(), EvalMetrics.Robustness::cleanTop1)),
    MEAN_CORRUPTION_TOP1("robustness.mean_corruption_top1", "robustness.corruptions",
            m -> of(m.robustness(), EvalMetrics.Robustness::meanCorruptionTop1)),
    FGSM_TOP1("robustness.adversarial.fgsm_top1", m -> of(adversarial(m), EvalMetrics.Adversarial::fgsmTop1)),
    PGD_TOP1("robustness.adversarial.pgd_top1", m -> of(adversarial(m), EvalMetrics.Adversarial::pgdTop1)),
    PARAMETERS("efficiency.parameters", m -> of(m.efficiency(), e -> (double) e.parameters())),
    NONZERO_PARAMETERS("efficiency.nonzero_parameters",
            m -> of(m.efficiency(), e -> of(e.nonzeroParameters(), Long::doubleValue))),
    GFLOPS("efficiency.gflops_per_image", m -> of(m.efficiency(), e -> e.gflopsPerImage())),
    LATENCY_MS("efficiency.latency_ms_batch1", m -> of(m.efficiency(), EvalMetrics.Efficiency::latencyMsBatch1)),
    THROUGHPUT("efficiency.throughput_images_per_second",
            m -> of(m.efficiency(), EvalMetrics.Efficiency::throughputImagesPerSecond)),
    EVAL_RATE("efficiency.eval_images_per_second",
            m -> of(m.efficiency(), EvalMetrics.Efficiency::evalImagesPerSecond));

    private final String key;
    /** The dotted path of the part whose {@code skipped} reason covers it (its own key, or the corruptions'). */
    private final String part;
    private final Function<EvalMetrics, Double> read;

    Metric(String key, Function<EvalMetrics, Double> read) {
        this(key, key, read);
    }

    Metric(String key, String part, Function<EvalMetrics, Double> read) {
        this.key = key;
        this.part = part;
        this.read = read;
    }

    /** Its dotted name: {@code accuracy.top1}, {@code robustness.adversarial.pgd_top1}. */
    public String key() {
        return key;
    }

    /** The section of metrics.json it is in: {@code accuracy}, {@code robustness}. */
    public String section() {
        return key.substring(0, key.indexOf('.'));
    }

    /** Its value in {@code m}, or null where absent or not finite. */
    public Double value(EvalMetrics m) {
        Double v = m == null ? null : read.apply(m);
        return v == null || !Double.isFinite(v) ? null : v;
    }

    /**
     * Why {@code m} does not hold it: the {@code skipped} reason of its deepest enclosing part, named by its dotted
     * path ({@code robustness.adversarial}) or its own name ({@code adversarial}); the corruption figures are the
     * part {@code corruptions}. Null when none is recorded.
     */
    public String skipReason(EvalMetrics m) {
        if (m == null || m.skipped().isEmpty()) {
            return null;
        }
        String[] parts = part.split("\\.");
        for (int n = parts.length; n >= 1; n--) {
            for (String k : new String[] {String.join(".", java.util.Arrays.copyOf(parts, n)), parts[n - 1]}) {
                String r = m.skipped().get(k);
                if (r != null && !r.isBlank()) {
                    return r;
                }
            }
        }
        return null;
    }

    /** {@code f(a)}, or null when {@code a} is. */
    public static <A, B> B of(A a, Function<A, B> f) {
        return a == null ? null : f.apply(a);
    }

    private static EvalMetrics.TemperatureFit temperature(EvalMetrics m) {
        return of(m.calibration(), EvalMetrics.Calibration::temperature);
    }

    private static EvalMetrics.Adversarial adversarial(EvalMetrics m) {
        return of(m.robustness(), EvalMetrics.Robustness::adversarial);
    }
}
