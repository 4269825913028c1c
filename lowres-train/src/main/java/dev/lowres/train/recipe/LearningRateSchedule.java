package dev.lowres.train.recipe;

import java.util.List;

/**
 * The learning rate at every step, from a recipe's schedule: step decay at epoch milestones; cosine
 * annealing (Loshchilov & Hutter 2017) to {@code min_lr}; SGDR's warm restarts with cycles of t0, t0 x
 * t_mult, ... epochs; one-cycle (Smith & Topin 2019: cosine up from lr/div_factor to lr over pct_start of
 * the run, then cosine down to lr/div_factor/final_div_factor); or constant. A linear warm-up (Goyal et
 * al. 2017) may precede any of them; with linear batch scaling it starts from the unscaled base rate
 * times {@code warmup_start_factor} (Goyal et al. warm up from the rate of the reference batch, 0.1, to its
 * multiple). Epoch positions are fractional (step / steps per epoch), so the rate changes every step.
 *
 * <p>One-cycle also cycles the momentum inversely to the rate, as Smith and PyTorch's {@code OneCycleLR}
 * ({@code cycle_momentum}) do: from 0.95 down to 0.85 while the rate rises, back to 0.95 while it falls.
 */
public final class LearningRateSchedule {
    private final Recipe.Schedule s;
    private final double peak;
    private final long stepsPerEpoch;
    private final long totalSteps;

    /**
     * @param schedule the recipe's schedule
     * @param batchSize the run's batch size (for linear scaling)
     * @param stepsPerEpoch optimizer steps per epoch
     * @param epochs the run's length
     */
    public LearningRateSchedule(Recipe.Schedule schedule, int batchSize, long stepsPerEpoch, int epochs) {
        this.s = schedule;
        this.peak = "linear".equals(schedule.scaleWithBatch())
                ? schedule.lr() * batchSize / schedule.referenceBatch() : schedule.lr();
        this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
        this.totalSteps = this.stepsPerEpoch * epochs;
    }

    /** The base (peak) rate after batch scaling. */
    public double peak() {
        return peak;
    }

    /** The rate for optimizer step {@code step} (0-based). */
    public double at(long step) {
        double epoch = (double) step / stepsPerEpoch;
        double totalEpochs = (double) totalSteps / stepsPerEpoch;
        if (s.warmupEpochs() > 0 && epoch < s.warmupEpochs() && s.kind() != ScheduleKind.ONE_CYCLE) {
            double t = epoch / s.warmupEpochs();
            double from = ("linear".equals(s.scaleWithBatch()) ? s.lr() : peak) * s.warmupStartFactor();
            return from + (peak - from) * t;
        }
        switch (s.kind()) {
            case CONSTANT:
                return peak;
            case STEP: {
                double lr = peak;
                for (double milestone : milestonesOrEmpty(s.milestones())) {
                    if (epoch >= milestone) {
                        lr *= s.factor();
                    }
                }
                return lr;
            }
            case COSINE: {
                double start = s.warmupEpochs();
                double t = Math.min(1, Math.max(0, (epoch - start) / Math.max(1e-12, totalEpochs - start)));
                return s.minLr() + (peak - s.minLr()) * 0.5 * (1 + Math.cos(Math.PI * t));
            }
            case SGDR: {
                double e = Math.max(0, epoch - s.warmupEpochs());
                double length = s.t0();
                while (e >= length) {
                    e -= length;
                    length *= s.tMult();
                }
                return s.minLr() + (peak - s.minLr()) * 0.5 * (1 + Math.cos(Math.PI * e / length));
            }
            case ONE_CYCLE: {
                double up = s.pctStart() * totalSteps;
                double start = peak / s.divFactor();
                double end = start / s.finalDivFactor();
                if (step < up) {
                    return cosine(start, peak, step / up);
                }
                return cosine(peak, end, (step - up) / Math.max(1e-12, totalSteps - up));
            }
            default:
                throw new IllegalStateException("unknown schedule " + s.kind());
        }
    }

    /** One-cycle's momentum bounds (Smith 2018; PyTorch's OneCycleLR defaults). */
    public static final double MAX_MOMENTUM = 0.95;
    public static final double BASE_MOMENTUM = 0.85;

    /** The momentum for step {@code step}: the recipe's, or one-cycle's, which moves against the rate. */
    public double momentumAt(long step, double recipeMomentum) {
        if (s.kind() != ScheduleKind.ONE_CYCLE) {
            return recipeMomentum;
        }
        double up = s.pctStart() * totalSteps;
        if (step < up) {
            return cosine(MAX_MOMENTUM, BASE_MOMENTUM, step / up);
        }
        return cosine(BASE_MOMENTUM, MAX_MOMENTUM, (step - up) / Math.max(1e-12, totalSteps - up));
    }

    private static double cosine(double from, double to, double t) {
        double c = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))));
        return to + (from - to) * c;
    }

    private static List<Double> milestonesOrEmpty(List<Double> m) {
        return m == null ? List.of() : m;
    }
}
