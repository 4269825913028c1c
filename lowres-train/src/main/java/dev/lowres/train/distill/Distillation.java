package dev.lowres.train.distill;

import dev.lowres.train.recipe.DistillLoss;
import dev.lowres.train.recipe.Recipe;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A distillation loss: the recipe's hard loss (cross-entropy against the labels, with its smoothing or Mixup
 * targets) combined with the teacher's soft targets, in fp32 whatever the logits' precision, as a mean over the
 * batch. The teacher's logits carry no graph: only the student learns.
 *
 * @param kind {@link DistillLoss#HINTON} or {@link DistillLoss#NKD}
 * @param temperature T (Hinton), lambda (NKD's non-target temperature)
 * @param alpha the soft loss's share (Hinton) or weight (NKD)
 * @param gamma NKD's non-target weight
 */
public record Distillation(DistillLoss kind, double temperature, double alpha, double gamma) {
    /** A logit this far below the others has probability 0 in fp32 (exp(-1000) underflows) and a finite log. */
    private static final double MASKED = 1000;

    public Distillation {
        if (kind == DistillLoss.NONE) {
            throw new IllegalArgumentException("no distillation loss: distill.loss is none");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the temperature must be positive: " + temperature);
        }
    }

    /** The recipe's loss. */
    public static Distillation of(Recipe.Distill d) {
        return new Distillation(d.loss(), d.temperature(), d.alpha(), d.gamma());
    }

    /**
     * The training loss.
     *
     * @param hard the recipe's loss against the labels (a scalar with the student's graph)
     * @param student the student's logits (N, K)
     * @param teacher the teacher's logits (N, K), no graph
     * @param labels the labels (N), int64 (NKD's target class; with Mixup the batch's own label)
     */
    public Tensor loss(Tensor hard, Tensor student, Tensor teacher, Tensor labels) {
        Tensor s = student.to(torch.ScalarType.Float);
        Tensor t = teacher.to(torch.ScalarType.Float);
        return switch (kind) {
            case HINTON -> hard.mul(new Scalar(1 - alpha)).add(kl(s, t).mul(new Scalar(alpha * temperature
                    * temperature)));
            case NKD -> hard.add(nkd(s, t, labels).mul(new Scalar(alpha)));
            case NONE -> throw new IllegalStateException("no distillation");
        };
    }

    /** KL(softmax(t / T) || softmax(s / T)), the batch's mean. */
    Tensor kl(Tensor s, Tensor t) {
        Scalar invT = new Scalar(1 / temperature);
        Tensor logS = torch.log_softmax(s.mul(invT), 1);
        Tensor logT = torch.log_softmax(t.mul(invT), 1);
        return logT.exp().mul(logT.sub(logS)).sum(1).mean();
    }

    /**
     * NKD: {@code -t_y log s_y} (the teacher's confidence in the label weighting the student's) plus
     * {@code -gamma T^2 sum_{i != y} N(t^T)_i log N(s^T)_i}, the cross-entropy of the non-target
     * distributions renormalised without the label (a softmax over the other classes at temperature T).
     */
    Tensor nkd(Tensor s, Tensor t, Tensor labels) {
        Tensor y = labels.reshape(labels.size(0), 1);
        Tensor target = torch.log_softmax(s, 1).gather(1, y);
        Tensor teacherTarget = torch.softmax(t, 1).gather(1, y);
        Tensor targetTerm = teacherTarget.mul(target).neg().mean();
        // the label's logit pushed far down: the softmax over the rest is the renormalised non-target distribution
        Tensor mask = torch.zeros_like(s).scatter(1, y, new Scalar(MASKED));
        Scalar invT = new Scalar(1 / temperature);
        Tensor logS = torch.log_softmax(s.mul(invT).sub(mask), 1);
        Tensor pT = torch.softmax(t.mul(invT).sub(mask), 1);
        Tensor nonTarget = pT.mul(logS).sum(1).neg().mean().mul(new Scalar(gamma * temperature * temperature));
        return targetTerm.add(nonTarget);
    }
}
