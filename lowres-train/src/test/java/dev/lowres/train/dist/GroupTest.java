package dev.lowres.train.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.nn.Param;
import dev.lowres.train.nn.Params;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collectives on a real c10d group: two ranks in two threads of this JVM, each with its own Gloo process
 * group over one FileStore, on 127.0.0.1.
 */
class GroupTest {
    @TempDir
    Path dir;

    interface RankBody<T> {
        T run(Group group) throws Exception;
    }

    /** Runs {@code body} as ranks 0 and 1 and returns their results. */
    <T> List<T> onTwoRanks(RankBody<T> body) throws Exception {
        return onTwoRanks(new Rendezvous.File(dir.resolve("store-" + System.nanoTime())), body);
    }

    /** Runs {@code body} as ranks 0 and 1 meeting at {@code rendezvous} and returns their results. */
    <T> List<T> onTwoRanks(Rendezvous rendezvous, RankBody<T> body) throws Exception {
        Torch.load();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                int r = rank;
                futures.add(pool.submit(() -> {
                    World world = new World(r, 2, r, rendezvous, Duration.ofSeconds(20));
                    try (PointerScope scope = new PointerScope(); Group g = Group.connect(world)) {
                        return body.run(g);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTcpRendezvousOnLoopbackListensOnLoopbackOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(Path.of("/proc/net/tcp")),
                "Linux's /proc/net/tcp shows the listening sockets");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int p = port;
        List<List<String>> listening = onTwoRanks(new Rendezvous.Tcp("127.0.0.1", port), g -> {
            double[] v = {g.rank() + 1};
            g.sum(v, "a test sum");
            assertEquals(3, v[0]);
            return listeners(p);
        });
        // rank 0's store server: bound to 127.0.0.1 (0100007F in /proc/net/tcp), not to every interface
        assertEquals(List.of("0100007F"), listening.get(0), "listening sockets on port " + port);
        assertEquals(Group.serverAddress("127.0.0.1"), java.net.InetAddress.getByName("127.0.0.1"));
        assertEquals(null, Group.serverAddress("192.0.2.1"), "an address of no interface here: libtorch's default");
    }

    @Test
    void aTakenPortSaysSo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            World world = new World(0, 2, 0, new Rendezvous.Tcp("127.0.0.1", taken.getLocalPort()),
                    Duration.ofSeconds(2));
            DistributedException e = assertThrows(DistributedException.class, () -> Group.connect(world));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    && e.getMessage().contains("MASTER_PORT"), e.getMessage());
        }
    }

    /** The local addresses (hex, as /proc/net/tcp writes them) of the sockets listening on {@code port}. */
    static List<String> listeners(int port) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(java.util.Locale.ROOT, "%04X", port);
        for (String table : new String[] {"tcp", "tcp6"}) {
            Path file = Path.of("/proc/net", table);
            if (!java.nio.file.Files.exists(file)) {
                continue; // no IPv6 here
            }
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    out.add((table.equals("tcp6") ? "v6 " : "") + f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return out;
    }

    @Test
    void sumsAndBroadcastsAreThoseOfTorchDistributed() throws Exception {
        List<double[]> sums = onTwoRanks(g -> {
            double[] v = {g.rank() + 1, 0.25, -g.rank()};
            g.sum(v, "a test sum");
            return v;
        });
        assertArrayEquals(new double[] {3, 0.5, -1}, sums.get(0));
        assertArrayEquals(sums.get(0), sums.get(1));
        List<float[]> broadcast = onTwoRanks(g -> {
            Tensor a = Tensors.floats(new float[] {g.rank(), g.rank() + 10, 7}, Device.cpu(), 3);
            Tensor b = Tensors.floats(new float[] {g.rank() * 2f, 1, 2, 3}, Device.cpu(), 2, 2);
            g.broadcast(List.of(a, b), "test tensors");
            float[] out = new float[7];
            System.arraycopy(Tensors.toFloats(a), 0, out, 0, 3);
            System.arraycopy(Tensors.toFloats(b), 0, out, 3, 4);
            return out;
        });
        assertArrayEquals(new float[] {0, 10, 7, 0, 1, 2, 3}, broadcast.get(1), "rank 0's values everywhere");
        assertArrayEquals(broadcast.get(0), broadcast.get(1));
    }

    @Test
    void gradientsAreAveragedInEveryBucketDuringOrAfterTheBackwardPass() throws Exception {
        for (boolean overlap : new boolean[] {false, true}) {
            List<float[]> grads = onTwoRanks(g -> averagedGradients(g, overlap));
            for (int i = 0; i < 18; i++) {
                assertEquals(1.5f * (i / 6 + 1), grads.get(0)[i], "overlap " + overlap + ": the mean of (1 and 2) x "
                        + (i / 6 + 1));
            }
            assertArrayEquals(grads.get(0), grads.get(1));
        }
    }

    /** Three parameters in 24-byte buckets (one each: three all-reduces in flight); two steps. */
    static float[] averagedGradients(Group g, boolean overlap) {
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Param p = new Params().param("p" + i, Param.Kind.WEIGHT, dev.lowres.train.nn.Init.ZEROS, 2, 3);
            p.bind(Tensors.floats(new float[6], Device.cpu(), 2, 3).set_requires_grad(true));
            params.add(p);
        }
        float[] out = new float[18];
        try (GradientReducer reducer = new GradientReducer(g, params, 24, overlap)) {
            assertEquals(3, reducer.buckets());
            for (long step = 0; step < 2; step++) {
                for (Param p : params) {
                    p.value().mutable_grad().reset();
                }
                // a loss whose gradient is (rank + 1) * (i + 1) for every value of parameter i
                Tensor loss = null;
                for (int i = 0; i < 3; i++) {
                    Tensor s = params.get(i).value().sum().mul(Tensors.scalar((g.rank() + 1.0) * (i + 1)));
                    loss = loss == null ? s : loss.add(s);
                }
                loss.backward();
                reducer.reduce(step);
            }
        }
        for (int i = 0; i < 3; i++) {
            System.arraycopy(Tensors.toFloats(params.get(i).value().grad()), 0, out, 6 * i, 6);
        }
        return out;
    }

    @Test
    void theWeightCheckFindsReplicasThatDiffer() throws Exception {
        List<String> outcomes = onTwoRanks(g -> {
            Param p = new Params().param("w", Param.Kind.WEIGHT, dev.lowres.train.nn.Init.ZEROS, 4);
            p.bind(Tensors.floats(new float[] {1, 2, 3, 4}, Device.cpu(), 4).set_requires_grad(true));
            try (Replicas.DataParallel replicas = new Replicas.DataParallel(g, List.of(p), List.of(p))) {
                replicas.checkInSync(1); // equal after the initial broadcast
                if (g.rank() == 1) {
                    try (var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
                        p.value().add_(Tensors.scalar(1e-6));
                    }
                }
                ReplicasDiverged e = assertThrows(ReplicasDiverged.class, () -> replicas.checkInSync(2));
                return e.getMessage();
            }
        });
        for (String m : outcomes) {
            assertTrue(m.contains("the weights differ between ranks at step 2"), m);
        }
    }

    @Test
    void aRendezvousFileLeftByAnEarlierGroupIsRefused() throws Exception {
        Torch.load();
        Path stale = dir.resolve("stale.rdv");
        java.nio.file.Files.writeString(stale, "keys of a killed group");
        java.nio.file.Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(3600)));
        World world = new World(0, 2, 0, new Rendezvous.File(stale), Duration.ofSeconds(20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Group.connect(world));
        assertTrue(e.getMessage().contains("is left over from an earlier group"), e.getMessage());
        // a file the other ranks of this launch are writing is not
        java.nio.file.Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        Group.refuseLeftover(stale, world);
    }

    @Test
    void glooMessagesLoseTheirBuildPathsAndBacktraces() {
        assertEquals("Read error [127.0.0.1]:43444: Connection reset by peer", Group.message(new RuntimeException(
                "[/home/runner/work/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:538] Read error "
                        + "[127.0.0.1]:43444: Connection reset by peer\nException raised from ...")));
    }

    @Test
    void aRankThatNeverComesFailsTheRendezvousWithinTheTimeout() {
        Torch.load();
        World alone = new World(0, 2, 0, new Rendezvous.File(dir.resolve("lonely")), Duration.ofSeconds(2));
        long start = System.nanoTime();
        DistributedException e = assertThrows(DistributedException.class, () -> Group.connect(alone));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains("cannot form the group within 2 s"), e.getMessage());
        assertTrue(e.getMessage().contains("same --init file"), e.getMessage());
        assertTrue(seconds < 30, "failed after " + seconds + " s");
    }
}
