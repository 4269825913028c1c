package dev.lowres.train.dist;

import dev.lowres.train.nn.BatchNormSync;
import dev.lowres.train.nn.Param;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;

/**
 * The copies of a network that train together: one process alone ({@link Single}), or one replica per rank of a
 * data-parallel group ({@link DataParallel}). The training loop calls the same methods either way.
 *
 * <p>The data-parallel invariant: after every step each rank holds the same weights, optimizer state, batch-norm
 * statistics and weight average. The weights start equal (rank 0's broadcast), every rank applies the same
 * averaged gradients, and batch norm's running statistics, which each rank updates from its own images, are
 * replaced by rank 0's after each step (as {@code DistributedDataParallel}'s {@code broadcast_buffers} does
 * before each forward pass). So rank 0 alone writes checkpoints, and any rank could.
 */
public sealed interface Replicas extends AutoCloseable {
    /** One process, no group: every method is the identity. */
    Replicas SINGLE = new Single();

    int rank();

    int size();

    /** Whether this process writes the run directory (rank 0). */
    default boolean leader() {
        return rank() == 0;
    }

    /** Gives every rank rank 0's values of {@code tensors} (weights at the start, a weight average). */
    void broadcast(List<Tensor> tensors, String what);

    /**
     * What the ranks agree on before a step's backward pass: the mean of their losses, their correct
     * predictions together, and whether any of them was asked to stop.
     */
    StepAgreement agree(double loss, long correct, boolean stop, long step);

    /** Whether any rank was asked to stop (at an epoch's end). */
    boolean anyStop(boolean stop, long step);

    /**
     * Whether to stop after a step: alone, when a stop is requested by now (even during the step); in a group,
     * when the ranks agreed on it at the step ({@link StepAgreement#stop()}), so that all stop after the same one.
     */
    boolean stopAfterStep(StepAgreement agreed, boolean requestedNow);

    /** Replaces every gradient by its mean over the ranks. */
    void reduceGradients(long step);

    /** Gives every rank rank 0's buffers (batch-norm statistics) after a step. */
    void syncBuffers(long step);

    /** Sums figures over the ranks, in place (validation counts). */
    void sum(double[] values, String what);

    /** The batch-norm sync of {@code --sync-bn} to enter around the training forward pass, or null. */
    BatchNormSync batchNormSync();

    /**
     * Checks that the weights are the same on every rank.
     *
     * @throws ReplicasDiverged when they are not
     */
    void checkInSync(long step);

    @Override
    void close();

    /**
     * What the ranks agree on at a step.
     *
     * @param loss the mean loss over the ranks (non-finite when any rank's is)
     * @param correct the correct top-1 predictions of all ranks
     * @param stop whether any rank was asked to stop after this step
     */
    record StepAgreement(double loss, long correct, boolean stop) {
    }

    /** One process. */
    final class Single implements Replicas {
        private Single() {
        }

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void broadcast(List<Tensor> tensors, String what) {
        }

        @Override
        public StepAgreement agree(double loss, long correct, boolean stop, long step) {
            return new StepAgreement(loss, correct, stop);
        }

        @Override
        public boolean anyStop(boolean stop, long step) {
            return stop;
        }

        @Override
        public boolean stopAfterStep(StepAgreement agreed, boolean requestedNow) {
            return requestedNow;
        }

        @Override
        public void reduceGradients(long step) {
        }

        @Override
        public void syncBuffers(long step) {
        }

        @Override
        public void sum(double[] values, String what) {
        }

        @Override
        public void checkInSync(long step) {
        }

        @Override
        public BatchNormSync batchNormSync() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    /** One rank of a data-parallel group. */
    final class DataParallel implements Replicas {
        private final Group group;
        private final List<Param> params;
        private final List<Tensor> buffers = new ArrayList<>();
        private final GradientReducer reducer;
        private final StatisticsSum sync;

        /**
         * Joins the group: rank 0's weights and buffers are broadcast to every rank.
         *
         * @param group the process group (closed with this)
         * @param params every parameter and buffer of the network
         * @param trainable the parameters that get gradients
         */
        public DataParallel(Group group, List<Param> params, List<Param> trainable) {
            this(group, params, trainable, false, false);
        }

        /**
         * Joins the group, with batch norm synchronised over the ranks when {@code syncBatchNorm}, the gradients'
         * all-reduce overlapped with the backward pass when {@code overlap}.
         *
         * @param group the process group (closed with this)
         * @param params every parameter and buffer of the network
         * @param trainable the parameters that get gradients
         * @param syncBatchNorm normalise by the global batch's statistics ({@code --sync-bn})
         * @param overlap all-reduce the gradients during the backward pass ({@link Overlap})
         */
        public DataParallel(Group group, List<Param> params, List<Param> trainable, boolean syncBatchNorm,
                            boolean overlap) {
            this.group = group;
            this.sync = syncBatchNorm ? new StatisticsSum() : null;
            this.params = List.copyOf(params);
            for (Param p : params) {
                if (!p.kind().trainable()) {
                    buffers.add(p.value());
                }
            }
            this.reducer = new GradientReducer(group, trainable, overlap);
            broadcast(values(this.params), "the initial weights");
        }

        @Override
        public int rank() {
            return group.rank();
        }

        @Override
        public int size() {
            return group.size();
        }

        @Override
        public void broadcast(List<Tensor> tensors, String what) {
            group.broadcast(tensors, what);
        }

        @Override
        public StepAgreement agree(double loss, long correct, boolean stop, long step) {
            double[] v = {Double.isFinite(loss) ? loss : 0, correct, stop ? 1 : 0, Double.isFinite(loss) ? 0 : 1};
            group.sum(v, "the agreement on step " + step);
            double mean = v[3] > 0 ? Double.NaN : v[0] / size();
            return new StepAgreement(mean, Math.round(v[1]), v[2] > 0);
        }

        @Override
        public boolean anyStop(boolean stop, long step) {
            double[] v = {stop ? 1 : 0};
            group.sum(v, "the agreement after step " + step);
            return v[0] > 0;
        }

        @Override
        public boolean stopAfterStep(StepAgreement agreed, boolean requestedNow) {
            return agreed.stop();
        }

        @Override
        public void reduceGradients(long step) {
            reducer.reduce(step);
        }

        @Override
        public void syncBuffers(long step) {
            if (!buffers.isEmpty()) {
                group.broadcast(buffers, "the batch-norm statistics at step " + step);
            }
        }

        @Override
        public void sum(double[] values, String what) {
            group.sum(values, what);
        }

        @Override
        public BatchNormSync batchNormSync() {
            return sync;
        }

        /**
         * Sums batch-norm statistics over the ranks: forward, an all-reduce of the values; backward, a hook on the
         * sum that all-reduces its gradient (every rank's loss depends on every rank's statistics).
         */
        private final class StatisticsSum implements BatchNormSync {
            private final TensorTensorHook sumGradient = new TensorTensorHook() {
                @Override
                public TensorBase call(TensorBase gradient) {
                    Tensor sum = new Tensor(gradient).clone();
                    group.sumInPlace(sum, "the all-reduce of a batch-norm gradient (--sync-bn)");
                    return sum;
                }
            };

            @Override
            public int ranks() {
                return group.size();
            }

            @Override
            public Tensor sumOverRanks(Tensor local) {
                Tensor global;
                try (NoGradGuard g = new NoGradGuard()) {
                    global = local.detach().clone();
                    group.sumInPlace(global, "the all-reduce of batch-norm statistics (--sync-bn)");
                }
                // the value of the global sum, the gradient of the local one
                Tensor out = local.add(global.sub(local.detach()));
                out.register_hook(sumGradient);
                return out;
            }
        }

        @Override
        public void checkInSync(long step) {
            double[] sums = checksum(params);
            if (!group.same(sums, "the weight check at step " + step)) {
                throw new ReplicasDiverged(step, String.format(java.util.Locale.ROOT,
                        "rank %d: the weights differ between ranks at step %d (this rank's checksums %.17g, %.17g); "
                                + "this is a bug in lowres or a faulty machine, please report it", rank(), step,
                        sums[0], sums[1]));
            }
        }

        /** Two float64 checksums of every value: their position-weighted sum, and their sum of squares. */
        static double[] checksum(List<Param> params) {
            double weighted = 0;
            double squares = 0;
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                for (int i = 0; i < params.size(); i++) {
                    Tensor v = params.get(i).value().detach().to(org.bytedeco.pytorch.global.torch.ScalarType.Double);
                    weighted += (i + 1) * v.sum().item_double();
                    squares += v.square().sum().item_double();
                }
            }
            return new double[] {weighted, squares};
        }

        private static List<Tensor> values(List<Param> params) {
            List<Tensor> out = new ArrayList<>(params.size());
            for (Param p : params) {
                out.add(p.value());
            }
            return out;
        }

        @Override
        public void close() {
            reducer.close();
            group.close();
        }
    }
}
