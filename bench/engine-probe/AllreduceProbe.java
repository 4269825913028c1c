import dev.lowres.train.dist.GradientReducer;
import dev.lowres.train.dist.Group;
import dev.lowres.train.dist.Rendezvous;
import dev.lowres.train.dist.World;
import dev.lowres.train.engine.Device;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.nn.Param;
import java.nio.file.Path;
import java.time.Duration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * lowres's gradient all-reduce as training runs it (GradientReducer: WRN-28-2's 1,596,216 gradients copied into a
 * bucket, all-reduced over Gloo on 127.0.0.1, averaged, copied back), best of 5 rounds of 10; the PyTorch side is
 * gloo_probe.py. Run both ranks:
 *
 *   S=$(mktemp -u); for r in 0 1; do MASTER_ADDR=127.0.0.1 java -cp "lowres-cli/target/lib/*" \
 *     bench/engine-probe/AllreduceProbe.java $r 2 $S & done; wait
 */
public class AllreduceProbe {
    public static void main(String[] a) throws Exception {
        int rank = Integer.parseInt(a[0]);
        int world = Integer.parseInt(a[1]);
        try (Group g = Group.connect(new World(rank, world, rank, new Rendezvous.File(Path.of(a[2])),
                Duration.ofSeconds(60)));
             Model m = Model.create(ModelRegistry.create("wrn-28-2", 3, 32, 1000), Device.cpu(), 0, true)) {
            torch.set_num_threads(1);
            long n = 0;
            for (Param p : m.trainable()) {
                n += p.numel();
                try (PointerScope s = new PointerScope()) {
                    p.value().mutable_grad().put(torch.ones_like(p.value()));
                }
            }
            try (GradientReducer reducer = new GradientReducer(g, m.trainable(), false)) {
                for (int i = 0; i < 3; i++) {
                    reducer.reduce(i);
                }
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 10; i++) {
                        reducer.reduce(i);
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 10e6);
                }
                if (rank == 0) {
                    System.out.printf("lowres GradientReducer, %d ranks, %d buckets: %.1f MB of gradients in %.1f ms "
                            + "(%.0f MB/s)%n", world, reducer.buckets(), n * 4 / 1e6, best, n * 4 / 1e3 / best);
                }
            }
        }
    }
}
