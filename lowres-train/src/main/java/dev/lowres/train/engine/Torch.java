package dev.lowres.train.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch once per process and sets its threads.
 *
 * <p>JavaCPP unpacks the natives (364 MB for the CPU build) into its cache ({@code ~/.javacpp/cache}) on first
 * use. Two processes that start together with an empty cache would unpack and load the same files at once
 * (one probe crashed in {@code pthread_mutex_lock} doing that), so the first load of a process holds an
 * exclusive file lock in the cache: the second process waits, then finds the files in place.
 */
public final class Torch {
    private static volatile boolean loaded;

    private Torch() {
    }

    /** Loads the natives (idempotent, thread-safe, and safe across processes sharing a cache). */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Torch.class) {
            if (loaded) {
                return;
            }
            try {
                Path cache = Loader.getCacheDir().toPath();
                Files.createDirectories(cache);
                try (FileChannel channel = FileChannel.open(cache.resolve(".lowres-load.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    Loader.load(torch.class);
                    // NNPACK is not built for this CPU family and would warn at every convolution it is asked to run
                    torch.globalContext().setUserEnabledNNPACK(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load libtorch: " + e.getMessage(), e);
            }
            loaded = true;
        }
    }

    /** Sets libtorch's intra-op threads (0: leave libtorch's default, the number of cores). */
    public static void threads(int threads) {
        load();
        if (threads > 0) {
            torch.set_num_threads(threads);
        }
    }

    /** libtorch's intra-op threads. */
    public static int threads() {
        load();
        return torch.get_num_threads();
    }

    /** Whether a CUDA device is usable (a GPU build and a driver). */
    public static boolean cudaAvailable() {
        load();
        try {
            return torch.cuda_is_available();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** The number of CUDA devices (0 without a GPU build or driver). */
    public static int cudaDevices() {
        return cudaAvailable() ? torch.cuda_device_count() : 0;
    }

    /** Seeds libtorch's own generators (used only by kernels that draw, e.g. dropout). */
    public static void seed(long seed) {
        load();
        torch.manual_seed(seed);
    }

    /** The engine's name and version, e.g. {@code libtorch 2.10.0 (JavaCPP 1.5.13)}, for run records. */
    public static String engine() {
        String preset = org.bytedeco.pytorch.global.torch.class.getPackage().getImplementationVersion();
        String javacpp;
        try {
            javacpp = Loader.getVersion();
        } catch (IOException e) {
            javacpp = "unknown";
        }
        return "libtorch " + (preset == null ? "2.10.0" : preset.replaceFirst("-.*", "")) + " (JavaCPP " + javacpp + ")";
    }
}
