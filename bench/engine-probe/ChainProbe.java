import org.bytedeco.pytorch.*;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * A probe of libtorch's backward pass through JavaCPP, for the training-speed gap in BENCHMARKS.md: four blocks
 * of [batch norm] [ReLU] conv3x3 [+ residual] on a bf16 channels-last batch of 128 x C x H x H, forward under
 * autocast, backward of a float sum; 10 timed iterations after 3. chain_probe.py is the same in PyTorch.
 *
 *   MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 \
 *     java -cp "lowres-cli/target/lib/*" bench/engine-probe/ChainProbe.java 32 32 bn-relu-conv
 *   MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 /usr/bin/python3 bench/engine-probe/chain_probe.py 32 32 bn-relu-conv
 *
 * The third argument names the ops of a block: any of bn, relu, add with conv (e.g. conv, relu-conv, bn-conv,
 * bn-relu-conv-add).
 */
public class ChainProbe {
    static TensorOptional opt(Tensor t) { return new TensorOptional(t); }
    public static void main(String[] a) {
        torch.set_num_threads(2);
        int C = Integer.parseInt(a[0]); int H = Integer.parseInt(a[1]); String ops = a[2]; boolean bnOn = ops.contains("bn");
        Tensor x = torch.randn(128, C, H, H).to(torch.ScalarType.BFloat16).contiguous(torch.MemoryFormat.ChannelsLast);
        Tensor[] w = new Tensor[4]; Tensor[] g = new Tensor[4]; Tensor[] b = new Tensor[4]; Tensor[] rm = new Tensor[4]; Tensor[] rv = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            w[i] = torch.randn(C, C, 3, 3).mul(new Scalar(0.05)).contiguous(torch.MemoryFormat.ChannelsLast).set_requires_grad(true);
            g[i] = torch.ones(C).set_requires_grad(true); b[i] = torch.zeros(C).set_requires_grad(true);
            rm[i] = torch.zeros(C); rv[i] = torch.ones(C);
        }
        long fwd = 0, bwd = 0;
        for (int it = 0; it < 13; it++) {
            try (PointerScope scope = new PointerScope()) {
                long t0 = System.nanoTime();
                torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
                torch.set_autocast_enabled(torch.DeviceType.CPU, true);
                torch.increment_nesting();
                Tensor h = x;
                for (int i = 0; i < 4; i++) {
                    Tensor n = bnOn ? torch.batch_norm(h, opt(g[i]), opt(b[i]), opt(rm[i]), opt(rv[i]), true, 0.1, 1e-4, true) : h;
                    Tensor r = ops.contains("relu") ? torch.relu(n) : n;
                    Tensor c = torch.conv2d(r, w[i], new TensorOptional(), new long[]{1,1}, new long[]{1,1}, new long[]{1,1}, 1);
                    h = ops.contains("add") ? torch.add(c, h) : c;
                }
                Tensor loss = h.to(torch.ScalarType.Float).mean();
                torch.set_autocast_enabled(torch.DeviceType.CPU, false);
                if (torch.decrement_nesting() == 0) torch.clear_cache();
                long t1 = System.nanoTime();
                loss.backward();
                long t2 = System.nanoTime();
                for (int i = 0; i < 4; i++) { w[i].grad().reset(); }
                if (it >= 3) { fwd += t1 - t0; bwd += t2 - t1; }
            }
        }
        System.out.printf("libtorch2.10 C=%d H=%d " + ops + " bn=%b fwd %.1f ms bwd %.1f ms%n", C, H, bnOn, fwd / 1e7, bwd / 1e7);
    }
}
