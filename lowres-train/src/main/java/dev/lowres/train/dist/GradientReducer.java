package dev.lowres.train.dist;

import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * Averages the gradients of every trainable parameter over the ranks, as PyTorch's {@code DistributedDataParallel}
 * does: the gradients are packed into buckets of about 25 MB (DDP's default {@code bucket_cap_mb}), each bucket is
 * all-reduced, divided by the world size and copied back into the gradients. The buckets are fp32 buffers
 * allocated once and owned here until {@link #close()}.
 *
 * <p>With {@code overlap} (DDP's way), the buckets hold the parameters in reverse order, the order in which the
 * backward pass produces their gradients, and a hook on each parameter copies its gradient into its bucket as
 * soon as autograd computes it; a bucket's all-reduce starts as soon as its last gradient arrives, while the
 * backward pass goes on with earlier layers. {@link #reduce} then only waits, averages and copies back. Without
 * it, {@link #reduce} packs, all-reduces and unpacks after the backward pass. Both give the same bits: the sums
 * are element-wise, whatever the bucketing.
 */
public final class GradientReducer implements AutoCloseable {
    /** DDP's default bucket size. */
    public static final long BUCKET_BYTES = 25L << 20;

    private final Group group;
    private final boolean overlap;
    private final List<Bucket> buckets = new ArrayList<>();
    private final List<ArrivalHook> hooks = new ArrayList<>();
    private final int[] pending;
    private final Work[] works;
    private long step;
    private RuntimeException hookFailure;
    private boolean closed;

    private record Bucket(List<Param> params, Tensor flat) {
    }

    public GradientReducer(Group group, List<Param> trainable, boolean overlap) {
        this(group, trainable, BUCKET_BYTES, overlap);
    }

    GradientReducer(Group group, List<Param> trainable, long bucketBytes, boolean overlap) {
        this.group = group;
        this.overlap = overlap;
        List<Param> order = new ArrayList<>(trainable);
        if (overlap) {
            java.util.Collections.reverse(order);
        }
        List<Param> current = new ArrayList<>();
        long elements = 0;
        for (Param p : order) {
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
        this.pending = new int[buckets.size()];
        this.works = new Work[buckets.size()];
        if (overlap) {
            for (int b = 0; b < buckets.size(); b++) {
                long offset = 0;
                for (Param p : buckets.get(b).params()) {
                    ArrivalHook hook = new ArrivalHook(b, offset, p);
                    hook.id = p.value().register_hook(hook);
                    hooks.add(hook);
                    offset += p.numel();
                }
            }
        }
        arm();
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

    /** Gets ready for the next backward pass. */
    private void arm() {
        for (int b = 0; b < buckets.size(); b++) {
            pending[b] = buckets.get(b).params().size();
            works[b] = null;
        }
        hookFailure = null;
    }

    /** Copies a gradient into its bucket as autograd computes it, and starts the bucket when it is complete. */
    private final class ArrivalHook extends TensorTensorHook {
        private final int bucket;
        private final long offset;
        private final Param param;
        private int id;

        ArrivalHook(int bucket, long offset, Param param) {
            this.bucket = bucket;
            this.offset = offset;
            this.param = param;
        }

        @Override
        public TensorBase call(TensorBase gradient) {
            try {
                if (pending[bucket] <= 0) {
                    throw new IllegalStateException(param.name() + " got a second gradient at step " + step
                            + ": a parameter used twice in the network cannot have its all-reduce overlapped");
                }
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    buckets.get(bucket).flat().narrow(0, offset, param.numel()).view(param.shape())
                            .copy_(new Tensor(gradient));
                }
                if (--pending[bucket] == 0) {
                    works[bucket] = group.sumAsync(buckets.get(bucket).flat(), what(step));
                }
            } catch (RuntimeException e) {
                // never through libtorch's stack: reported by reduce() after the backward pass
                if (hookFailure == null) {
                    hookFailure = e;
                }
            }
            return gradient;
        }
    }

    /**
     * Replaces every gradient by its mean over the ranks; call after the backward pass of step {@code step}.
     *
     * @throws IllegalStateException when a parameter has no gradient (the network did not use it)
     * @throws DistributedException when a rank fails
     */
    public void reduce(long step) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            if (!overlap) {
                for (int i = 0; i < buckets.size(); i++) {
                    pack(buckets.get(i), step);
                    works[i] = group.sumAsync(buckets.get(i).flat(), what(step));
                }
            }
            if (hookFailure != null) {
                throw hookFailure;
            }
            Scalar mean = group.meanScale();
            for (int i = 0; i < buckets.size(); i++) {
                Bucket b = buckets.get(i);
                if (works[i] == null) {
                    throw noGradient(b.params().stream().filter(p -> !p.value().grad().defined()).findFirst()
                            .orElse(b.params().get(0)), step);
                }
                group.await(works[i], what(step));
                b.flat().mul_(mean);
                long offset = 0;
                for (Param p : b.params()) {
                    long n = p.numel();
                    p.value().grad().copy_(b.flat().narrow(0, offset, n).view(p.shape()));
                    offset += n;
                }
            }
        } finally {
            this.step = step + 1;
            arm();
        }
    }

    private static void pack(Bucket b, long step) {
        long offset = 0;
        for (Param p : b.params()) {
            Tensor grad = p.value().grad();
            if (!grad.defined()) {
                throw noGradient(p, step);
            }
            long n = p.numel();
            b.flat().narrow(0, offset, n).view(p.shape()).copy_(grad);
            offset += n;
        }
    }

    private static IllegalStateException noGradient(Param p, long step) {
        return new IllegalStateException(p.name() + " got no gradient at step " + step
                + ": data-parallel training needs every parameter to take part in the loss");
    }

    private static String what(long step) {
        return "the all-reduce of the gradients at step " + step;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (ArrivalHook hook : hooks) {
                hook.param.value().remove_hook(hook.id);
            }
            for (Bucket b : buckets) {
                b.flat().releaseReference();
            }
        }
    }
}
