package dev.lowres.train.recipe;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Everything that shapes a training run, as written in a recipe file (snake_case keys). Units: epochs for
 * schedule milestones and lengths; the learning rate changes every step.
 *
 * @param name the recipe's name
 * @param description what it reproduces, with the paper
 * @param model the registry name of the network (a command-line {@code --model} overrides it)
 * @param epochs training epochs
 * @param batchSize batch size (all devices together)
 * @param seed the run's seed (initialisation, order, augmentation)
 * @param optimizer the optimizer
 * @param schedule the learning-rate schedule
 * @param data loading and augmentation
 * @param labelSmoothing epsilon of label smoothing (Szegedy et al. 2016), 0 for none
 * @param ema exponential moving average of the weights
 * @param gradClipNorm clip the global gradient norm to this (0: no clipping)
 * @param evalEvery evaluate on the validation split every this many epochs (and at the end)
 * @param checkpointEverySteps also checkpoint every this many steps (0: at epoch ends only)
 * @param logEverySteps write a metrics line every this many steps
 * @param distill knowledge distillation from a teacher run (none unless a teacher is given)
 * @param startFrom a run directory whose final weights the network starts from instead of its initialisation (for
 *                  fine-tuning, pruning); empty for none
 * @param prune pruning while training
 * @param quantize quantization-aware training ({@link Quantization}): {@code none}, or {@code dorefa:w<k>a<k>}
 *                 (DoReFa-Net's k-bit weights and activations in every convolution but the first)
 */
@JsonPropertyOrder({"name", "description", "model", "epochs", "batch_size", "seed", "optimizer", "schedule", "data",
    "label_smoothing", "ema", "grad_clip_norm", "eval_every", "checkpoint_every_steps", "log_every_steps", "distill", "start_from", "prune", "quantize"})
public record Recipe(String name, String description, String model, int epochs, int batchSize, long seed,
                     Optimizer optimizer, Schedule schedule, Data data, double labelSmoothing, Ema ema,
                     double gradClipNorm, int evalEvery, int checkpointEverySteps, int logEverySteps,
                     Distill distill, String startFrom, Prune prune, Quantization quantize) {
    public Recipe {
        // runs saved before these sections existed have none
        distill = distill == null ? Distill.NONE : distill;
        startFrom = startFrom == null ? "" : startFrom;
        prune = prune == null ? Prune.NONE : prune;
        quantize = quantize == null ? Quantization.NONE : quantize;
    }

    /** Whether the run prunes its weights. */
    public boolean prunes() {
        return prune.method() != PruneMethod.NONE;
    }

    /** Whether the run learns from a teacher. */
    public boolean distills() {
        return distill.loss() != DistillLoss.NONE;
    }

    /**
     * SGD with momentum.
     *
     * @param momentum momentum coefficient
     * @param nesterov Nesterov's accelerated gradient (Sutskever et al. 2013)
     * @param form {@code lasagne}: v = m v + lr g, w -= v (the paper's; the learning rate is inside the
     *             buffer); {@code pytorch}: v = m v + g, w -= lr v (they differ only when the rate changes)
     * @param weightDecay the decay coefficient
     * @param decayForm {@code l2-penalty}: the paper's loss term wd * sum(w^2), gradient 2 wd w;
     *                  {@code coupled}: gradient wd w (PyTorch's weight_decay); {@code decoupled}: w -= lr wd w
     *                  (Loshchilov & Hutter 2019)
     * @param decayNormAndBias whether biases and normalisation scales/shifts are decayed too
     * @param decayNormScale whether normalisation scales (batch-norm gammas) are decayed: the paper's Lasagne
     *                       code marks W and gamma regularizable, not biases or beta
     */
    @JsonPropertyOrder({"momentum", "nesterov", "form", "weight_decay", "decay_form", "decay_norm_and_bias",
        "decay_norm_scale"})
    public record Optimizer(double momentum, boolean nesterov, String form, double weightDecay, String decayForm,
                            boolean decayNormAndBias, boolean decayNormScale) {
    }

    /**
     * The learning-rate schedule (see {@link LearningRateSchedule}).
     *
     * @param kind the schedule: constant, step, cosine, sgdr or one-cycle
     * @param lr the base rate (the peak for one-cycle)
     * @param milestones step: the epochs at which the rate is multiplied by {@code factor}
     * @param factor step: the multiplier
     * @param minLr cosine and sgdr: the rate at the end of a cycle
     * @param t0 sgdr: the first cycle's length in epochs (Loshchilov & Hutter 2017)
     * @param tMult sgdr: each cycle is this many times longer than the last
     * @param pctStart one-cycle: the share of the run spent rising (Smith & Topin 2019)
     * @param divFactor one-cycle: the starting rate is lr / divFactor
     * @param finalDivFactor one-cycle: the final rate is lr / divFactor / finalDivFactor
     * @param warmupEpochs linear warm-up from {@code warmupStartFactor x lr} (Goyal et al. 2017), 0 for none
     * @param warmupStartFactor the warm-up's first rate as a fraction of the rate (of the unscaled base rate
     *                          when {@code scale_with_batch} is linear, as Goyal et al.)
     * @param scaleWithBatch {@code none}, or {@code linear}: lr x batch / referenceBatch (Goyal et al. 2017)
     * @param referenceBatch the batch size the rate is given for, with linear scaling
     */
    @JsonPropertyOrder({"kind", "lr", "milestones", "factor", "min_lr", "t0", "t_mult", "pct_start", "div_factor",
        "final_div_factor", "warmup_epochs", "warmup_start_factor", "scale_with_batch", "reference_batch"})
    public record Schedule(ScheduleKind kind, double lr, List<Double> milestones, double factor, double minLr, double t0,
                           double tMult, double pctStart, double divFactor, double finalDivFactor, double warmupEpochs,
                           double warmupStartFactor, String scaleWithBatch, int referenceBatch) {
    }

    /**
     * Loading.
     *
     * @param augment the augmentation spec of the training batches (see lowres-data's {@code Augmentations})
     * @param normalization {@code mean-image} (the paper's), {@code channel} or {@code unit}
     * @param order {@code shuffle} or {@code quasi-random} (data larger than memory)
     * @param trainSplit the split trained on
     * @param valSplit the split evaluated on (none to skip)
     * @param threads loader threads (0: the number of cores)
     * @param mirrorCopies every training record twice per epoch, as it is and mirrored (the paper's scripts
     *                     append the flipped copy of the data: an epoch is 2 x 1.28M samples on ImageNet)
     */
    @JsonPropertyOrder({"augment", "normalization", "order", "train_split", "val_split", "threads", "mirror_copies"})
    public record Data(String augment, String normalization, String order, String trainSplit, String valSplit,
                       int threads, boolean mirrorCopies) {
    }

    /**
     * The exponential moving average of the weights (and batch-norm statistics), evaluated next to the
     * weights themselves.
     *
     * @param decay per-step decay (e.g. 0.9999), 0 for no EMA
     */
    public record Ema(double decay) {
    }

    /**
     * Knowledge distillation: the network (the student) also learns the outputs of a trained network (the
     * teacher) on the same augmented images, computed in the same step. See {@link DistillLoss} for the losses.
     *
     * @param teacher the teacher: a lowres run directory (a finished run, a run trained by distillation itself for
     *                a teacher-assistant chain, or a TorchScript run); empty for none
     * @param weights which of the teacher's weights ({@link TeacherWeights}): {@code final} (model.safetensors),
     *                {@code best}, {@code last} or {@code ema}
     * @param loss {@code none}, {@code hinton} or {@code nkd}
     * @param temperature the softmax temperature of the soft targets (Hinton: T; NKD: lambda on the non-target
     *                    classes)
     * @param alpha hinton: the soft loss's share, (1 - alpha) CE + alpha T^2 KL; nkd: the weight of the NKD term
     *              added to the cross-entropy
     * @param gamma nkd: the weight of the normalised non-target term
     */
    @JsonPropertyOrder({"teacher", "weights", "loss", "temperature", "alpha", "gamma"})
    public record Distill(String teacher, TeacherWeights weights, DistillLoss loss, double temperature, double alpha,
                          double gamma) {
        /** No distillation. */
        public static final Distill NONE = new Distill("", TeacherWeights.FINAL, DistillLoss.NONE, 4, 0.9, 1.5);

        public Distill {
            teacher = teacher == null ? "" : teacher;
            weights = weights == null ? TeacherWeights.FINAL : weights;
            loss = loss == null ? DistillLoss.NONE : loss;
        }
    }

    /**
     * Pruning while training (see lowres-train's {@code prune} package).
     *
     * @param method {@code none} or {@code magnitude} (global, unstructured)
     * @param amount the final share of convolution and linear weights set to zero, in (0, 1)
     * @param schedule the whole amount at once or Zhu &amp; Gupta's cubic rise from {@code start} to {@code end}
     * @param start gradual: where the pruning begins, as a share of the run's steps
     * @param end gradual: where the final sparsity is reached, as a share of the run's steps
     * @param everySteps gradual: steps between two rises of the sparsity (0: twenty rises from start to end)
     */
    @JsonPropertyOrder({"method", "amount", "schedule", "start", "end", "every_steps"})
    public record Prune(PruneMethod method, double amount, PruneSchedule schedule, double start, double end,
                        int everySteps) {
        /** No pruning. */
        public static final Prune NONE = new Prune(PruneMethod.NONE, 0.5, PruneSchedule.GRADUAL, 0, 0.5, 0);

        public Prune {
            method = method == null ? PruneMethod.NONE : method;
            schedule = schedule == null ? PruneSchedule.GRADUAL : schedule;
        }
    }
}
