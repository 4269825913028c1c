// Batch-1 latency of a trained run's network in four forms: the eager model as lowres eval runs it (channels-last),
// eager NCHW, and the batch-norm-folded fp32 decomposition of Int8WideResNet (floatForward) in both layouts.
//   cd RUNS && OPENBLAS_NUM_THREADS=1 java -cp "$ROOT/lowres-cli/target/lib/*" $ROOT/bench/engine-probe/LatencyForms.java THREADS RUN...
import dev.lowres.train.eval.*;
import dev.lowres.train.engine.*;
import dev.lowres.train.engine.Device;
import dev.lowres.train.model.*;
import dev.lowres.train.quant.Int8WideResNet;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.javacpp.PointerScope;
import java.nio.file.Path;
import java.util.*;

public class LatencyForms {
    interface F { Tensor f(Tensor x); }
    static double time(F f, Tensor x) {
        for (int i = 0; i < 20; i++) { try (PointerScope s = new PointerScope()) { f.f(x); } }
        double[] ms = new double[101];
        for (int i = 0; i < ms.length; i++) {
            try (PointerScope s = new PointerScope()) { long t = System.nanoTime(); f.f(x); ms[i] = (System.nanoTime() - t) / 1e6; }
        }
        Arrays.sort(ms); return ms[50];
    }
    public static void main(String[] a) throws Exception {
        Torch.load();
        int threads = Integer.parseInt(a[0]);
        torch.set_num_threads(threads);
        for (int k = 1; k < a.length; k++) {
            RunInfo run = RunInfo.load(Path.of(a[k]));
            try (TrainedModel cl = TrainedModel.load(run, RunInfo.Weights.AUTO, Device.cpu(), Precision.FP32, true);
                 TrainedModel nchw = TrainedModel.load(run, RunInfo.Weights.AUTO, Device.cpu(), Precision.FP32, false);
                 NoGradGuard g = new NoGradGuard()) {
                Network net = ModelRegistry.create(run.recipe().model(), run.image().channels(), run.image().height(), run.classes().size());
                Map<String, float[]> values = TrainedModel.weights(run, RunInfo.Weights.AUTO, net);
                Int8WideResNet folded = Int8WideResNet.of(net, values);
                float[] v = new float[run.image().channels() * run.image().height() * run.image().width()];
                Random r = new Random(1); for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
                Tensor x = Tensors.floats(v, Device.cpu(), new long[] {1, run.image().channels(), run.image().height(), run.image().width()});
                Tensor xcl = x.contiguous(torch.MemoryFormat.ChannelsLast);
                float[] ref = Tensors.toFloats(nchw.logitsOfNormalised(x));
                float[] fo = Tensors.toFloats(folded.floatForward(x, null));
                double d1 = 0; for (int i = 0; i < ref.length; i++) { d1 = Math.max(d1, Math.abs(ref[i] - fo[i])); }
                for (int round = 0; round < 2; round++) {
                    double eCl = time(t -> cl.logitsOfNormalised(t), xcl);
                    double eN = time(t -> nchw.logitsOfNormalised(t), x);
                    double fN = time(t -> folded.floatForward(t, null), x);
                    double fC = time(t -> folded.floatForward(t, null), xcl);
                    System.out.printf(Locale.ROOT, "%s threads %d: eager-cl %.2f eager-nchw %.2f folded-nchw %.2f "
                        + "folded-cl %.2f ms (median of 101 after 20; folded's max |logit difference| %.1e)%n",
                        a[k], threads, eCl, eN, fN, fC, d1);
                }
            }
        }
    }
}
