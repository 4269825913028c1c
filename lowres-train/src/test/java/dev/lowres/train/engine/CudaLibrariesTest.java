package dev.lowres.train.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The words a user gets when a CUDA device is asked for and none is usable. */
class CudaLibrariesTest {
    @Test
    void theLinkerSearchFindsALibraryEveryLinuxHasAndNamesOneThatIsNot() {
        assertEquals(List.of("libno-such-lowres-library.so.7"),
                CudaLibraries.missing(List.of("libc.so.6", "libno-such-lowres-library.so.7", "libm.so.6")));
    }

    @Test
    void eachCauseIsNamedWithWhatToDo() {
        assertTrue(CudaLibraries.reason(false, true, List.of()).contains("CPU build"));
        assertTrue(CudaLibraries.reason(false, true, List.of()).contains("LOWRES_BUILD=cuda"));
        assertTrue(CudaLibraries.reason(true, false, List.of("libcudnn.so.9")).contains("no NVIDIA driver"));
        String libraries = CudaLibraries.reason(true, true, List.of("libcublas.so.13", "libcudnn.so.9"));
        assertTrue(libraries.contains("libcublas.so.13, libcudnn.so.9 not found"), libraries);
        assertTrue(libraries.contains("LD_LIBRARY_PATH"), libraries);
        assertTrue(CudaLibraries.reason(true, true, List.of()).contains("CUDA_VISIBLE_DEVICES"));
    }

    @Test
    void aCpuBuildSaysSo() {
        Assumptions.assumeFalse(CudaLibraries.gpuBuild(), "this is a CUDA build");
        assertTrue(Torch.cudaUnavailableReason().contains("CPU build"));
    }
}
