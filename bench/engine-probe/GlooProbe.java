import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

/**
 * A probe of PyTorch's c10d through JavaCPP for the distributed-training issue: N processes meet through a
 * FileStore (torch's file:// init) or a TCPStore (torchrun's MASTER_ADDR/MASTER_PORT), make a ProcessGroupGloo
 * on 127.0.0.1, allreduce a small tensor (checked: the sum of rank + 1 over the ranks) and time five allreduces
 * of WRN-28-2's 1.6M gradients. DIE=1 makes rank 1 exit after the group is made, to see what the others get.
 *
 *   java -cp "lowres-cli/target/lib/*" bench/engine-probe/GlooProbe.java file 0 2 /tmp/rdv &
 *   java -cp "lowres-cli/target/lib/*" bench/engine-probe/GlooProbe.java file 1 2 /tmp/rdv
 *   (or: tcp RANK 2 29512)
 *
 * Seen 2026-12-01 (2 vCPUs): both stores work; the group is made in 0.1-0.9 s; the allreduce is right; 1.6M floats
 * take 17-18 ms; a rank that dies makes the other's next collective throw "Connection closed by peer" at once.
 */
public class GlooProbe {
    public static void main(String[] a) throws Exception {
        String mode = a[0]; int rank = Integer.parseInt(a[1]); int world = Integer.parseInt(a[2]);
        torch.set_num_threads(1);
        long t0 = System.nanoTime();
        Store store;
        if (mode.equals("file")) {
            store = new FileStore(a[3], world);
        } else {
            TCPStoreOptions o = new TCPStoreOptions();
            o.port((short) Integer.parseInt(a[3])).isServer(rank == 0).numWorkers(new SizeTPointer(1).put(world)).waitWorkers(true)
                    .timeout(new Milliseconds(30000));
            store = new TCPStore("127.0.0.1", o);
        }
        ProcessGroupGloo.Options opts = ProcessGroupGloo.Options.create(new Milliseconds(10000));
        opts.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname("127.0.0.1")));
        ProcessGroupGloo pg = new ProcessGroupGloo(store, rank, world, opts);
        long t1 = System.nanoTime();
        if (rank == 1 && System.getenv("DIE") != null) { System.out.println("rank 1 dies"); Runtime.getRuntime().halt(9); }
        Tensor x = torch.full(new long[]{4}, new Scalar((double) (rank + 1)));
        Work w = pg.allreduce(new TensorVector(x));
        w._wait();
        float[] out = new float[4];
        x.contiguous().data_ptr_float().get(out);
        // a 1.6M-float allreduce (WRN-28-2's gradients), timed
        Tensor big = torch.ones(1_596_216);
        long t2 = System.nanoTime();
        for (int i = 0; i < 5; i++) pg.allreduce(new TensorVector(big))._wait();
        long t3 = System.nanoTime();
        System.out.printf("rank %d/%d %s: group in %.0f ms, allreduce -> %s, 1.6M floats allreduce %.1f ms each%n", rank, world, mode,
                (t1 - t0) / 1e6, java.util.Arrays.toString(out), (t3 - t2) / 5e6);
    }
}
