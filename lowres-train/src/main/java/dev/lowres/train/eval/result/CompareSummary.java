package dev.lowres.train.eval.result;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code compare.json}, what {@code lowres compare} writes beside compare.html (format {@value #FORMAT}): each
 * evaluation's headline figures under their dotted names ({@link Metric#key}), the seed groups' summaries, and the
 * fit of top-1 on one eval set against another.
 */
public record CompareSummary(String format, List<Evaluated> evaluations, List<SeedGroup> seedGroups,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Fit fit) {
    public static final String FORMAT = "lowres-compare/1";

    public CompareSummary {
        evaluations = List.copyOf(evaluations);
        seedGroups = List.copyOf(seedGroups);
    }

    /**
     * One evaluation and the compared figures it holds, flattened into the object.
     *
     * @param eval the eval set's name ({@code <dataset>-<split>})
     */
    public record Evaluated(String run, String eval, String model, String recipe, long seed, String seedGroup,
                            @JsonIgnore Map<String, Double> figures) {
        public Evaluated {
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
        }

        @JsonAnyGetter
        Map<String, Double> flattened() {
            return figures;
        }
    }

    /** Runs that differ only by their seed, on one eval set: each figure's summary over them. */
    public record SeedGroup(String group, String eval, List<Long> seeds, Map<String, Spread> metrics) {
        public SeedGroup {
            seeds = List.copyOf(seeds);
            metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        }
    }

    /** A figure over n runs: mean, sample standard deviation, minimum, maximum. */
    public record Spread(int n, double mean, double std, double min, double max) {
    }

    /**
     * Top-1 on eval set {@code y} against {@code x} over the runs evaluated on both.
     *
     * @param meanGap mean of x - y (absent without runs)
     * @param slope least squares (absent for fewer than two runs or one x)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fit(String x, String y, int runs, Double meanGap, Double slope, Double intercept, Double r2) {
    }
}
