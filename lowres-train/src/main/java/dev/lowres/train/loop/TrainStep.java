package dev.lowres.train.loop;

import dev.lowres.train.dist.Replicas;
import dev.lowres.train.distill.Distillation;
import dev.lowres.train.distill.Teacher;
import dev.lowres.train.engine.Autocast;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.model.Model;
import dev.lowres.train.nn.BatchNormSync;
import dev.lowres.train.nn.DoReFa;
import dev.lowres.train.nn.Param;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.optim.WeightAverage;
import dev.lowres.train.prune.MagnitudePruner;
import dev.lowres.train.recipe.LearningRateSchedule;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * One training step, the same for a run ({@link TrainingRun}) and for {@code lowres bench train}: the pruning
 * mask's rise, the forward pass under autocast (with synchronised batch norm and DoReFa's quantizers where the run
 * has them), the loss (and the distillation's, with the teacher's logits of the same batch), the ranks' agreement on
 * the loss and on stopping, backward, the gradients' average over the ranks, clipping, the optimizer step, the
 * gradients dropped, the buffers' broadcast, the weight average and the pruning mask applied again.
 *
 * <p>Each call runs inside one {@link PointerScope}: every tensor it makes (activations, the loss, the gradients'
 * handles) is freed when it returns; the caller's inputs are the caller's.
 *
 * @param model the network being trained
 * @param sgd its optimizer
 * @param precision the precision autocast runs in
 * @param loss the hard loss (label smoothing included)
 * @param schedule gives each step's momentum (one-cycle varies it)
 * @param momentum the recipe's momentum
 * @param gradClipNorm the largest global L2 norm of the gradients (0: no clipping)
 * @param replicas the data-parallel group's view of this rank ({@link Replicas#SINGLE} alone)
 * @param teacher the distillation's teacher, or null
 * @param distillation how the teacher's logits enter the loss (null without a teacher)
 * @param quantizers DoReFa's quantizers, or null
 * @param ema the weight average, or null
 * @param pruner the magnitude pruner, or null
 */
public record TrainStep(Model model, MomentumSgd sgd, Precision precision, SoftCrossEntropy loss,
                        LearningRateSchedule schedule, double momentum, double gradClipNorm, Replicas replicas,
                        Teacher teacher, Distillation distillation, DoReFa quantizers, WeightAverage ema,
                        MagnitudePruner pruner) {
    public TrainStep {
        if ((teacher == null) != (distillation == null)) {
            throw new IllegalArgumentException("a teacher and its distillation come together");
        }
    }

    /**
     * The step of a plain run: no distillation, quantization, weight average, pruning or clipping, a constant
     * momentum (what {@code bench/torch_train.py} times in PyTorch).
     */
    public static TrainStep plain(Model model, MomentumSgd sgd, Precision precision, SoftCrossEntropy loss,
                                  double momentum, Replicas replicas) {
        return new TrainStep(model, sgd, precision, loss, null, momentum, 0, replicas, null, null, null, null, null);
    }

    /**
     * Trains on one batch.
     *
     * @param x the images, as the network takes them
     * @param labels the class of each image
     * @param target what the loss compares with: {@code labels}, or soft targets (one row per image) from mixing
     * @param lr this step's learning rate
     * @param step the run's step number, from 0
     * @param stop whether this process was asked to stop (the ranks agree on it)
     * @return the ranks' agreed loss, correct count and stop; a non-finite loss returns before backward
     */
    public Replicas.StepAgreement run(Tensor x, Tensor labels, Tensor target, double lr, long step, boolean stop) {
        if (pruner != null) {
            pruner.beforeStep(step);
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor logits;
            try (Autocast autocast = Autocast.enter(model.device(), precision);
                 BatchNormSync.Scope sync = BatchNormSync.enter(replicas.batchNormSync());
                 DoReFa.Scope quantized = DoReFa.enter(quantizers)) {
                logits = model.forward(x, true);
            }
            Tensor l = loss.apply(logits, target);
            if (teacher != null) {
                l = distillation.loss(l, logits, teacher.logits(x), labels);
            }
            long correct;
            try (NoGradGuard g = new NoGradGuard()) {
                correct = logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
            }
            // every rank learns the others' loss and stop requests, so that all of them stop at the same step
            Replicas.StepAgreement agreed = replicas.agree(l.item_double(), correct, stop, step);
            if (!Double.isFinite(agreed.loss())) {
                return agreed;
            }
            l.backward();
            replicas.reduceGradients(step);
            if (gradClipNorm > 0) {
                clip(model.trainable(), gradClipNorm);
            }
            sgd.step(lr, schedule == null ? momentum : schedule.momentumAt(step, momentum));
            dropGradients(model.trainable());
            replicas.syncBuffers(step);
            if (ema != null) {
                ema.update();
            }
            if (pruner != null) {
                pruner.afterStep();
            }
            return agreed;
        }
    }

    /**
     * Clears the gradients for the next step: drops them, as PyTorch's {@code zero_grad(set_to_none=True)}
     * does, so the next backward pass writes fresh gradients instead of adding to zeroed ones.
     */
    static void dropGradients(List<Param> trainable) {
        try (PointerScope scope = new PointerScope()) {
            for (Param p : trainable) {
                p.value().mutable_grad().reset();
            }
        }
    }

    /** Scales all gradients so that their global L2 norm is at most {@code max}. */
    static void clip(List<Param> trainable, double max) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor sum = null;
            for (Param p : trainable) {
                Tensor grad = p.value().grad();
                if (grad.defined()) {
                    Tensor s = grad.square().sum();
                    sum = sum == null ? s : sum.add(s);
                }
            }
            double norm = sum == null ? 0 : Math.sqrt(sum.item_double());
            if (norm > max) {
                Scalar scale = new Scalar(max / norm);
                for (Param p : trainable) {
                    Tensor grad = p.value().grad();
                    if (grad.defined()) {
                        grad.mul_(scale);
                    }
                }
            }
        }
    }
}
