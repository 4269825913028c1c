package dev.lowres.train.engine;

import com.sun.jna.NativeLibrary;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Why libtorch sees no CUDA device, in words a user can act on.
 *
 * <p>A CUDA build of lowres ({@code -Pcuda}) carries libtorch 2.10's GPU natives with CUDA's runtime
 * ({@code libcudart.so.13}) inside the pytorch jar, but not the rest of what {@code libtorch_cuda.so} links to:
 * CUDA's redistributable jars are no longer on Maven Central (since JavaCPP 1.5.12; over 2 GB), so cuBLAS, cuDNN,
 * cuFFT, cuSPARSE, cuRAND, NCCL and cuFile come from the machine. Without one of them libtorch loads its CPU part
 * only and reports no device, as it does without the NVIDIA driver; this names which is missing.
 */
final class CudaLibraries {
    /** The NVIDIA driver's library, which no jar carries. */
    static final String DRIVER = "libcuda.so.1";
    /** What {@code libtorch_cuda.so} of the 2.10.0-1.5.13 GPU jar needs beyond the jar (read with {@code ldd}). */
    static final List<String> FROM_THE_MACHINE = List.of("libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9",
            "libcufft.so.12", "libcusparse.so.12", "libcurand.so.10", "libnccl.so.2", "libcufile.so.0");

    private CudaLibraries() {
    }

    /** Whether the pytorch natives on the class path are the GPU build. */
    static boolean gpuBuild() {
        return torch.class.getResource("/org/bytedeco/pytorch/" + Loader.getPlatform() + "-gpu/") != null;
    }

    /** The names the dynamic linker cannot open (as {@code dlopen} searches: LD_LIBRARY_PATH, the ld.so cache). */
    static List<String> missing(List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            try {
                NativeLibrary.getInstance(name);
            } catch (UnsatisfiedLinkError e) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** Why no CUDA device is usable here. */
    static String reason() {
        if (!gpuBuild()) {
            return reason(false, true, List.of());
        }
        return reason(true, missing(List.of(DRIVER)).isEmpty(), missing(FROM_THE_MACHINE));
    }

    static String reason(boolean gpuBuild, boolean driverFound, List<String> missingLibraries) {
        if (!gpuBuild) {
            return "this is a CPU build of lowres; build for NVIDIA GPUs with LOWRES_BUILD=cuda ./lowres ... "
                    + "(or ./mvnw -Pcuda package)";
        }
        if (!driverFound) {
            return "no NVIDIA driver on this machine (" + DRIVER + " not found)";
        }
        if (!missingLibraries.isEmpty()) {
            return "libtorch's CUDA part cannot load: " + String.join(", ", missingLibraries) + " not found; this "
                    + "CUDA build needs CUDA 13.1's libraries, cuDNN 9 and NCCL 2 on the machine (they are not on "
                    + "Maven Central): install them (NVIDIA's cuda-libraries-13-1, cudnn9-cuda-13 and libnccl2 "
                    + "packages) or put their folders on LD_LIBRARY_PATH";
        }
        return "the driver and CUDA's libraries are here but libtorch sees no device (nvidia-smi lists them; "
                + "CUDA_VISIBLE_DEVICES may hide them)";
    }
}
