package dev.lowres.train.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What loading the engine sets up beyond libtorch itself. */
class TorchTest {
    @Test
    void openBlasRunsOnOneThreadSoThatItDoesNotFightLibtorchsOwn() {
        String set = System.getenv("OPENBLAS_NUM_THREADS");
        Assumptions.assumeTrue(set == null || set.isBlank(), "OPENBLAS_NUM_THREADS is set: the user's choice stands");
        Torch.load();
        Torch.threads(2);
        // with OpenBLAS's default pool, an fp32 WRN-16-2 at batch 1 on 2 libtorch threads took 88-98 ms, not 5-6
        assertEquals(1, openblas.blas_get_num_threads());
    }
}
