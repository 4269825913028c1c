package dev.lowres.train.dist;

import dev.lowres.train.engine.Torch;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.FileStore;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.IntOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.gloo.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * A c10d process group over Gloo (CPU tensors), with the few collectives data-parallel training needs. The store
 * and the group are libtorch's own ({@code FileStore} or {@code TCPStore}, {@code ProcessGroupGloo}); they live
 * until {@link #close()}.
 *
 * <p>Gloo's transport binds to the interface named by {@code GLOO_SOCKET_IFNAME} (as torch's does), else to
 * 127.0.0.1 when the master ({@code tcp://} host, or {@code MASTER_ADDR} with a {@code file://} rendezvous) is a
 * loopback address, else to the address this host's name resolves to.
 *
 * <p>Every failure of the rendezvous or of a collective (a rank died, cannot be reached, or is slower than
 * the timeout) is a {@link DistributedException} saying what was being done.
 */
public final class Group implements AutoCloseable {
    private final World world;
    private final Store store;
    private final ProcessGroupGloo gloo;
    private boolean closed;

    private Group(World world, Store store, ProcessGroupGloo gloo) {
        this.world = world;
        this.store = store;
        this.gloo = gloo;
    }

    /**
     * Meets the other ranks and makes the group (waits up to the world's timeout for all of them).
     *
     * @throws DistributedException when the master or the store cannot be reached in time
     */
    public static Group connect(World world) {
        Torch.load();
        Store store = null;
        try {
            Milliseconds timeout = new Milliseconds(world.timeout().toMillis());
            store = store(world, timeout);
            ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(timeout);
            options.devices(new GlooDeviceVector(device(world)));
            Store joined = store;
            // Gloo reports the connection on standard output ("[Gloo] Rank 0 is connected to ..."): dropped
            ProcessGroupGloo gloo = NativeStdout.filtered(NativeStdout::isGlooReport, System.out,
                    () -> new ProcessGroupGloo(joined, world.rank(), world.size(), options));
            return new Group(world, store, gloo);
        } catch (IllegalArgumentException | DistributedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            throw new DistributedException(world + ": cannot form the group within " + seconds(world) + ": "
                    + message(e) + hint(world), e);
        }
    }

    private static Store store(World world, Milliseconds timeout) {
        if (world.rendezvous() instanceof Rendezvous.File f) {
            refuseLeftover(f.file(), world);
            return new FileStore(f.file().toAbsolutePath().toString(), world.size());
        }
        Rendezvous.Tcp tcp = (Rendezvous.Tcp) world.rendezvous();
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) tcp.port()).isServer(world.rank() == 0).numWorkers(new SizeTPointer(1).put(world.size()))
                .waitWorkers(true).timeout(timeout);
        if (world.rank() == 0) {
            Inet4Address only = serverAddress(tcp.host());
            if (only != null) {
                o.masterListenFd(new IntOptional(listen(only, tcp.port(), world)));
            }
        }
        return new TCPStore(tcp.host(), o);
    }

    /**
     * The one address the store's server listens on: the master's, when it is an IPv4 address of this machine
     * (loopback included); null (libtorch's default: every interface, as PyTorch's) when the master's address is
     * not one of this machine's own (a name that another host answers for, a forwarded address) or sockets
     * cannot be made here.
     */
    static Inet4Address serverAddress(String host) {
        if (!Libc.canListen()) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address v4)) {
                return null;
            }
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null ? v4 : null;
        } catch (UnknownHostException | java.net.SocketException e) {
            return null;
        }
    }

    private static int listen(Inet4Address address, int port, World world) {
        Libc libc = Libc.load();
        try {
            return libc.listen(address, port, Math.max(128, world.size()));
        } catch (java.io.IOException e) {
            throw new DistributedException(world + ": the store's server " + e.getMessage()
                    + " (another job on this port? choose another MASTER_PORT)", e);
        }
    }

    /**
     * A FileStore's file is removed by the last rank that closes it; one that a killed group left behind would hand
     * its old keys to the new group. Ranks of one launch write it within the rendezvous, so a file not written for
     * longer than the timeout is such a leftover.
     */
    static void refuseLeftover(java.nio.file.Path file, World world) {
        try {
            if (java.nio.file.Files.exists(file)) {
                java.time.Instant written = java.nio.file.Files.getLastModifiedTime(file).toInstant();
                if (written.isBefore(java.time.Instant.now().minus(world.timeout()))) {
                    throw new IllegalArgumentException("the rendezvous file " + file + " is left over from an earlier "
                            + "group (last written " + written + "); remove it, or give every rank a new --init file");
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the rendezvous file " + file, e);
        }
    }

    private static Device device(World world) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) {
            return ProcessGroupGloo.createDeviceForInterface(ifname.split(",")[0].trim());
        }
        String master = System.getenv("MASTER_ADDR");
        if (world.rendezvous() instanceof Rendezvous.Tcp tcp ? loopback(tcp.host()) : master != null && loopback(master)) {
            return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public World world() {
        return world;
    }

    public int rank() {
        return world.rank();
    }

    public int size() {
        return world.size();
    }

    /** Overwrites {@code tensors} on every rank with rank 0's values (one flat broadcast). */
    public void broadcast(List<Tensor> tensors, String what) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor flat = flatten(tensors);
            BroadcastOptions options = new BroadcastOptions();
            options.rootRank(0);
            run(() -> gloo.broadcast(new TensorVector(flat), options), "broadcast of " + what);
            unflatten(flat, tensors);
        }
    }

    /** Sums {@code values} over the ranks, in place (float64: counts and loss sums stay exact). */
    public void sum(double[] values, String what) {
        reduce(values, ReduceOp.RedOpType.SUM, what);
    }

    /** The largest of {@code values} over the ranks, in place. */
    public void max(double[] values, String what) {
        reduce(values, ReduceOp.RedOpType.MAX, what);
    }

    private void reduce(double[] values, ReduceOp.RedOpType op, String what) {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = torch.empty(new long[] {values.length}, new TensorOptions(torch.ScalarType.Double),
                    new MemoryFormatOptional());
            t.data_ptr_double().put(values);
            AllreduceOptions options = new AllreduceOptions();
            options.reduceOp(new ReduceOp(op));
            run(() -> gloo.allreduce(new TensorVector(t), options), what);
            t.data_ptr_double().get(values);
        }
    }

    /** Sums a contiguous tensor over the ranks, in place, and waits. */
    public void sumInPlace(Tensor flat, String what) {
        run(() -> gloo.allreduce(new TensorVector(flat)), what);
    }

    /** Starts summing a contiguous tensor over the ranks in place; {@link #await} waits for it. */
    Work sumAsync(Tensor flat, String what) {
        try {
            return gloo.allreduce(new TensorVector(flat));
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    /** Waits for collective {@code work} started for {@code what}. */
    void await(Work work, String what) {
        try {
            work._wait();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    /**
     * Fails on every rank unless all of them passed the same {@code text} (compared by its SHA-256): ranks started
     * with different recipes, options or data would otherwise exchange tensors of other shapes, or drift apart.
     *
     * @throws IllegalArgumentException saying what differs
     */
    public void agree(String text, String what) {
        long h;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            h = java.nio.ByteBuffer.wrap(d).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // three parts of at most 22 bits: exact in the float64 all-reduce
        if (!same(new double[] {h & 0x3FFFFF, (h >>> 22) & 0x3FFFFF, (h >>> 44) & 0xFFFFF}, "the agreement on " + what)) {
            throw new IllegalArgumentException(world + ": " + what + " differs between the ranks; start every "
                    + "rank with the same command and the same data");
        }
    }

    /**
     * Whether every rank holds exactly these {@code values} (one all-reduce of the values and their negations for
     * the largest: equal everywhere exactly when the largest is minus the largest negation).
     */
    public boolean same(double[] values, String what) {
        double[] both = new double[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            both[i] = values[i];
            both[values.length + i] = -values[i];
        }
        max(both, what);
        for (int i = 0; i < values.length; i++) {
            if (both[i] != -both[values.length + i]) {
                return false;
            }
        }
        return true;
    }

    private void run(Supplier<Work> collective, String what) {
        Work work;
        try {
            work = collective.get();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
        await(work, what);
    }

    private DistributedException failure(String what, RuntimeException e) {
        return new DistributedException(world + ": " + what + " failed: " + message(e)
                + " (another rank stopped, died or fell more than " + seconds(world) + " behind; its log says why)", e);
    }

    static Tensor flatten(List<Tensor> tensors) {
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            parts.add(t.detach().to(torch.ScalarType.Float).reshape(-1));
        }
        return torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 0);
    }

    static void unflatten(Tensor flat, List<Tensor> into) {
        long offset = 0;
        for (Tensor t : into) {
            long n = t.numel();
            t.detach().copy_(flat.narrow(0, offset, n).view(t.sizes().vec().get()));
            offset += n;
        }
    }

    static String message(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // c10 errors carry a C++ backtrace after the first line
        int nl = m.indexOf('\n');
        String line = (nl > 0 ? m.substring(0, nl) : m).trim();
        // and gloo's start with the source file of its build: [/home/.../gloo/transport/tcp/pair.cc:538]
        return line.replaceFirst("^\\[[^\\]]*\\.(cc|cpp|h):\\d+\\]\\s*", "");
    }

    private static String seconds(World world) {
        return String.format(Locale.ROOT, "%d s", world.timeout().toSeconds());
    }

    private static String hint(World world) {
        return world.rendezvous() instanceof Rendezvous.Tcp tcp
                ? "; check that rank 0 runs and that " + tcp.host() + ":" + tcp.port() + " is reachable from here"
                : "; check that every rank was started with the same --init file and WORLD_SIZE, and that the file was "
                        + "not left over from another run";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gloo.close();
            store.close();
        }
    }

    /** The divisor that turns summed gradients into their mean. */
    Scalar meanScale() {
        return new Scalar(1.0 / world.size());
    }
}
