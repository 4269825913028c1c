import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Forward latency (batch 1, median of 101 calls) and throughput (batch 128, >= 2 s) of runs side by side, interleaved
 * over rounds, as lowres eval's efficiency section measures them: float runs in fp32 and bf16 autocast, quantized
 * runs on the int8 kernels. One JSON line per (round, run, precision).
 *
 *   java -cp "lowres-cli/target/lib/*" bench/engine-probe/CompressionLatency.java THREADS ROUNDS RUN...
 */
public class CompressionLatency {
    public static void main(String[] args) throws Exception {
        Torch.threads(Integer.parseInt(args[0]));
        int rounds = Integer.parseInt(args[1]);
        for (int round = 0; round < rounds; round++) {
            for (int i = 2; i < args.length; i++) {
                Path dir = Path.of(args[i]);
                boolean int8 = dir.resolve("quantization.json").toFile().exists();
                for (Precision p : int8 ? new Precision[] {Precision.FP32} : new Precision[] {Precision.FP32,
                    Precision.BF16}) {
                    RunInfo run = RunInfo.load(dir);
                    try (TrainedModel m = TrainedModel.load(run, RunInfo.Weights.AUTO, Device.cpu(), p, true)) {
                        double[] r = measure(m);
                        System.out.printf(Locale.ROOT, "{\"round\":%d,\"run\":\"%s\",\"model\":\"%s\",\"kernels\":\"%s\","
                                + "\"threads\":%s,\"latency_ms_batch1\":%.3f,\"images_per_second_batch128\":%.1f}%n",
                                round, dir, m.name(), int8 ? "int8" : p.id(), args[0], r[0], r[1]);
                    }
                }
            }
        }
    }

    static double[] measure(TrainedModel m) {
        var s = m.input();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor one = torch.randn(1, s.channels(), s.height(), s.width());
            Tensor many = torch.randn(128, s.channels(), s.height(), s.width());
            for (int i = 0; i < 10; i++) {
                forward(m, one);
            }
            double[] ms = new double[101];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                forward(m, one);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            forward(m, many);
            long t0 = System.nanoTime();
            int n = 0;
            while (n < 3 || System.nanoTime() - t0 < 2_000_000_000L) {
                forward(m, many);
                n++;
            }
            return new double[] {ms[50], n * 128 / ((System.nanoTime() - t0) / 1e9)};
        }
    }

    static void forward(TrainedModel m, Tensor x) {
        try (PointerScope step = new PointerScope()) {
            m.logitsOfNormalised(x).select(0, 0).select(0, 0).item_float();
        }
    }
}
