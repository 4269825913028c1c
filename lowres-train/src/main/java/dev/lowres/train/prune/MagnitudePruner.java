package dev.lowres.train.prune;

import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Global magnitude pruning (Han et al. 2015; Zhu &amp; Gupta 2017): the smallest weights by absolute value across
 * all convolution and linear weights together are set to zero and kept there, so that layers with more redundant
 * weights lose more of them. Before each step the sparsity of the {@link SparsitySchedule} is imposed (new masks when
 * it has risen); after each optimizer step the masks are applied again to the weights and to their moving average.
 * Biases, normalisation parameters and embeddings are not pruned.
 *
 * <p>The masks are the weights' non-zeros, so a resumed run finds them in its checkpoint's weights: the pruned
 * weights are exact zeros there, and a trained weight that is not pruned is never exactly zero in practice (before
 * the first pruning every weight is kept, so a weight initialised to zero is not mistaken for a pruned one).
 * The masks are fp32 tensors owned here until {@link #close()}.
 */
public final class MagnitudePruner implements AutoCloseable {
    private final SparsitySchedule schedule;
    private final List<Param> prunable;
    private final List<Tensor> averages;
    private final List<Tensor> masks = new ArrayList<>();
    private double level;

    /**
     * @param schedule the sparsity at each step
     * @param params every parameter of the network, in order
     * @param averages the weight average's tensors in the order of {@code params} (null without one)
     * @param step the step the run (re)starts at: the masks are those the weights hold (none pruned at step 0)
     */
    public MagnitudePruner(SparsitySchedule schedule, List<Param> params, List<Tensor> averages, long step) {
        this.schedule = schedule;
        List<Param> p = new ArrayList<>();
        List<Tensor> a = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).prunable()) {
                p.add(params.get(i));
                if (averages != null) {
                    a.add(averages.get(i));
                }
            }
        }
        this.prunable = List.copyOf(p);
        this.averages = averages == null ? List.of() : List.copyOf(a);
        this.level = step == 0 ? 0 : schedule.at(step - 1);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Param w : prunable) {
                // nothing pruned yet: every weight kept, even one initialised to zero (a zero-initialised head)
                Tensor mask = level == 0 ? torch.ones_like(w.value().detach())
                        : w.value().detach().ne(new org.bytedeco.pytorch.Scalar(0.0)).to(torch.ScalarType.Float);
                mask.retainReference();
                masks.add(mask);
            }
        }
    }

    /** Imposes the sparsity of {@code step} when it has risen: new masks from the weights' magnitudes. */
    public void beforeStep(long step) {
        double target = schedule.at(step);
        if (target > level) {
            level = target;
            prune(target);
        }
    }

    /** Keeps the pruned weights (and their averages) at zero after the optimizer moved them. */
    public void afterStep() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < prunable.size(); i++) {
                prunable.get(i).value().detach().mul_(masks.get(i));
                if (!averages.isEmpty()) {
                    averages.get(i).mul_(masks.get(i));
                }
            }
        }
    }

    /** The sparsity in force. */
    public double level() {
        return level;
    }

    private void prune(double sparsity) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            TensorVector all = new TensorVector();
            for (Param p : prunable) {
                all.push_back(p.value().detach().abs().to(torch.ScalarType.Float).reshape(-1));
            }
            Tensor magnitudes = torch.cat(all);
            long k = Math.round(sparsity * magnitudes.numel());
            if (k == 0) {
                return;
            }
            double threshold = magnitudes.kthvalue(k).get0().item_double();
            for (int i = 0; i < prunable.size(); i++) {
                Tensor keep = prunable.get(i).value().detach().abs().gt(new org.bytedeco.pytorch.Scalar(threshold))
                        .to(torch.ScalarType.Float);
                masks.get(i).copy_(keep);
            }
        }
        afterStep();
    }

    /** Pruned elements over all prunable elements, as the masks hold them. */
    public double sparsity() {
        try (PointerScope scope = new PointerScope()) {
            double kept = 0;
            double total = 0;
            for (Tensor m : masks) {
                kept += m.sum().item_double();
                total += m.numel();
            }
            return total == 0 ? 0 : 1 - kept / total;
        }
    }

    @Override
    public void close() {
        masks.forEach(Tensor::releaseReference);
        masks.clear();
    }
}
