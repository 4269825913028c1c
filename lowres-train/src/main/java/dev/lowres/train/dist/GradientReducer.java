package dev.lowres.train.dist;

import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * Averages the gradients of every trainable parameter over the ranks after the backward pass, as PyTorch's
 * {@code DistributedDataParallel} does: the gradients are packed into buckets of about 25 MB (DDP's default
 * {@code bucket_cap_mb}) in parameter order, the all-reduces of all buckets are started at once and awaited in
 * turn, and each bucket is divided by the world size and copied back. The buckets are fp32 buffers allocated
 * once and owned here until {@link #close()}.
 *
 * <p>Not done (yet): starting a bucket's all-reduce while the backward pass still computes the gradients of
 * earlier layers (DDP's overlap needs autograd hooks per parameter); here the reduction follows the backward pass.
 */
public final class GradientReducer implements AutoCloseable {
    /** DDP's default bucket size. */
    public static final long BUCKET_BYTES = 25L << 20;

    private final Group group;
    private final List<Bucket> buckets = new ArrayList<>();
    private boolean closed;

    private record Bucket(List<Param> params, Tensor flat) {
    }

    public GradientReducer(Group group, List<Param> trainable) {
        this(group, trainable, BUCKET_BYTES);
    }

    GradientReducer(Group group, List<Param> trainable, long bucketBytes) {
        this.group = group;
        List<Param> current = new ArrayList<>();
        long elements = 0;
        for (Param p : trainable) {
            if (!current.isEmpty() && 4 * (elements + p.numel()) > bucketBytes) {
                add(current, elements);
                current = new ArrayList<>();
                elements = 0;
            }
            current.add(p);
            elements += p.numel();
        }
        if (!current.isEmpty()) {
            add(current, elements);
        }
    }

    private void add(List<Param> params, long elements) {
        Tensor flat = torch.zeros(elements);
        flat.retainReference();
        buckets.add(new Bucket(List.copyOf(params), flat));
    }

    /** The number of buckets (for tests and the benchmark). */
    public int buckets() {
        return buckets.size();
    }

    /**
     * Replaces every gradient by its mean over the ranks.
     *
     * @throws IllegalStateException when a parameter has no gradient (the network did not use it)
     * @throws DistributedException when a rank fails
     */
    public void reduce(long step) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Work[] works = new Work[buckets.size()];
            for (int i = 0; i < buckets.size(); i++) {
                Bucket b = buckets.get(i);
                long offset = 0;
                for (Param p : b.params()) {
                    Tensor grad = p.value().grad();
                    if (!grad.defined()) {
                        throw new IllegalStateException(p.name() + " got no gradient at step " + step
                                + ": data-parallel training needs every parameter to take part in the loss");
                    }
                    long n = p.numel();
                    b.flat().narrow(0, offset, n).view(p.shape()).copy_(grad);
                    offset += n;
                }
                works[i] = group.sumAsync(b.flat(), what(step));
            }
            Scalar mean = group.meanScale();
            for (int i = 0; i < buckets.size(); i++) {
                group.await(works[i], what(step));
                Bucket b = buckets.get(i);
                b.flat().mul_(mean);
                long offset = 0;
                for (Param p : b.params()) {
                    long n = p.numel();
                    p.value().grad().copy_(b.flat().narrow(0, offset, n).view(p.shape()));
                    offset += n;
                }
            }
        }
    }

    private static String what(long step) {
        return "the all-reduce of the gradients at step " + step;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Bucket b : buckets) {
                b.flat().releaseReference();
            }
        }
    }
}
