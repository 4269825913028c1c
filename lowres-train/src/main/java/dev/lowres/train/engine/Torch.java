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
 *
 * <p>And the very first load from a freshly unpacked cache crashes the JVM (SIGSEGV in {@code pthread_mutex_lock}
 * while {@code System.load} opens libtorch; seen in every process that found the cache empty, never in a later
 * one). So a process that finds no {@code .lowres-unpacked-<version>} marker in the cache first unpacks and
 * loads libtorch in a child JVM ({@link Unpack}, retried up to three times), writes the marker, and only then loads
 * libtorch itself, from files already in place.
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
                    unpackOnce(cache);
                    Loader.load(torch.class);
                    // libtorch's log level from TORCH_CPP_LOG_LEVEL (the launcher sets ERROR), as torch's Python does
                    torch.initLogging();
                    // NNPACK is not built for this CPU family and would warn at every convolution it is asked to run
                    torch.globalContext().setUserEnabledNNPACK(false);
                    singleThreadedBlas();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load libtorch: " + e.getMessage(), e);
            }
            loaded = true;
        }
    }

    /**
     * OpenBLAS on one thread (unless {@code OPENBLAS_NUM_THREADS} says otherwise). libtorch parallelises with its
     * own OpenMP threads and calls OpenBLAS for the small convolutions it runs without oneDNN (batch 1, maps under
     * 20,480 values) and for linear layers; OpenBLAS's own pool of as many threads then fights libtorch's spinning
     * ones for the same cores. Measured on 2 cores (BENCHMARKS.md, "OpenBLAS's threads"): a WRN-16-2's fp32
     * forward at batch 1 with 2 libtorch threads took 88-98 ms with OpenBLAS's default and 5.1-5.7 ms with one
     * OpenBLAS thread.
     */
    private static void singleThreadedBlas() {
        String set = System.getenv("OPENBLAS_NUM_THREADS");
        if (set == null || set.isBlank()) {
            org.bytedeco.openblas.global.openblas.blas_set_num_threads(1);
        }
    }

    /** Unpacks (and loads once) the natives in a child JVM when this cache has not seen them yet. */
    private static void unpackOnce(Path cache) throws IOException {
        String version = String.valueOf(torch.class.getPackage().getImplementationVersion());
        Path marker = cache.resolve(".lowres-unpacked-" + version.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (Files.exists(marker) || Boolean.getBoolean("lowres.unpack.child")) {
            return;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        int code = -1;
        for (int attempt = 0; attempt < 3 && code != 0; attempt++) {
            // a crash report of the child goes to the cache, not to the user's working directory
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:ErrorFile=" + cache.resolve("hs_err_unpack_%p.log"),
                    "-Dlowres.unpack.child=true",
                    "-Dorg.bytedeco.javacpp.cachedir=" + cache, "-cp", System.getProperty("java.class.path"),
                    Unpack.class.getName());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            try {
                code = pb.start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unpacking libtorch", e);
            }
        }
        if (code != 0) {
            throw new IOException("unpacking libtorch into " + cache + " failed three times (exit " + code + ")");
        }
        Files.writeString(marker, "unpacked by lowres\n");
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

    /**
     * Why no CUDA device is usable (a CPU build; no driver; which of CUDA's libraries a CUDA build cannot find),
     * for the messages of {@code --device cuda} and {@code models --engine}.
     */
    public static String cudaUnavailableReason() {
        load();
        return CudaLibraries.reason();
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

    /** libtorch's quantized engine (the int8 kernels: {@code X86} / {@code FBGEMM} on x86 CPUs). */
    public static String quantizedEngine() {
        load();
        return org.bytedeco.pytorch.global.torch.globalContext().qEngine().toString();
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
