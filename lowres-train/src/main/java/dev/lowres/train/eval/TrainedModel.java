package dev.lowres.train.eval;

import dev.lowres.train.engine.Autocast;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.model.InputShape;
import dev.lowres.train.model.Model;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import dev.lowres.train.nn.Param;
import dev.lowres.train.run.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.parameter_iterator;
import org.bytedeco.pytorch.parameter_list;

/**
 * A run's network with its trained weights, in inference mode (batch norm uses its running statistics): it
 * maps pixel batches to logits, and gives the gradient of the loss with respect to the pixels for attacks.
 * Forward passes run under autocast at the model's precision; the logits come back as fp32. The weights do not
 * require gradients (an attack's backward pass needs the input's gradient only).
 *
 * <p>The weights are read from {@code model.safetensors} (names without prefix) or from a checkpoint (the
 * {@value Checkpoint#MODEL} tensors, or the {@value Checkpoint#EMA} ones for the weight average, which covers
 * every parameter and buffer).
 */
public final class TrainedModel implements AutoCloseable {
    private final RunInfo run;
    private final Model model;
    private final JitModule script;
    private final Device device;
    private final long scriptParameters;
    private final Path weightsFile;
    private final Precision precision;
    private dev.lowres.train.quant.Int8WideResNet int8;
    private dev.lowres.train.nn.DoReFa quantizers;

    private TrainedModel(RunInfo run, Model model, JitModule script, Device device, Path weightsFile,
                         Precision precision) {
        this.run = run;
        this.model = model;
        this.script = script;
        this.device = device;
        this.weightsFile = weightsFile;
        this.precision = precision;
        this.scriptParameters = script == null ? 0 : count(script);
    }

    /** The elements of a TorchScript module's parameters. */
    private static long count(JitModule script) {
        long n = 0;
        try (PointerScope scope = new PointerScope()) {
            parameter_list list = script.parameters(true);
            parameter_iterator it = list.begin();
            for (long i = 0; i < list.size(); i++) {
                n += it.multiply().numel();
                it.increment();
            }
        }
        return n;
    }

    /**
     * Loads a TorchScript run ({@link ScriptedRun}): the module in evaluation mode on {@code device}, its
     * parameters without gradients.
     */
    private static TrainedModel loadScript(RunInfo run, Device device, Precision precision) throws IOException {
        Path file = run.dir().resolve(ScriptedRun.FILE);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file + " (the run's TorchScript network)");
        }
        dev.lowres.train.engine.Torch.load();
        JitModule script;
        try {
            script = torch.load(file.toString(), new DeviceOptional(device.torchDevice()), false);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a TorchScript file libtorch 2.10 loads: " + e.getMessage(), e);
        }
        script.retainReference();
        script.eval();
        try (PointerScope scope = new PointerScope()) {
            parameter_list list = script.parameters(true);
            parameter_iterator it = list.begin();
            for (long i = 0; i < list.size(); i++) {
                it.multiply().set_requires_grad(false);
                it.increment();
            }
        }
        return new TrainedModel(run, null, script, device, file, precision);
    }

    /** Builds the run's network on {@code device} in fp32, channels-last, and loads the chosen weights into it. */
    public static TrainedModel load(RunInfo run, RunInfo.Weights weights, Device device) throws IOException {
        return load(run, weights, device, Precision.FP32, true);
    }

    /**
     * Builds the run's network on {@code device} and loads the chosen weights into it.
     *
     * @param precision the forward passes' precision ({@code auto} is resolved for the device)
     * @param channelsLast keep the weights and inputs channels-last (the same numbers, faster convolutions)
     * @throws IOException for weights of another model, another shape or an older format
     */
    public static TrainedModel load(RunInfo run, RunInfo.Weights weights, Device device, Precision precision,
                                    boolean channelsLast) throws IOException {
        Precision resolved = precision.resolve(device);
        if (ScriptedRun.isScripted(run)) {
            return loadScript(run, device, resolved);
        }
        Path file = run.weightsFile(weights);
        Network network = ModelRegistry.create(run.recipe().model(), run.image().channels(), run.image().height(),
                run.classes().size());
        Map<String, float[]> values = values(file, weights, network);
        Model model = Model.create(network, device, 0, channelsLast);
        try {
            model.load(values, file.toString());
            try (PointerScope scope = new PointerScope()) {
                for (Param p : model.trainable()) {
                    p.value().set_requires_grad(false);
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        TrainedModel loaded = new TrainedModel(run, model, null, device, file, resolved);
        loaded.quantizers = model.quantizers(run.recipe().quantize());
        if (dev.lowres.train.run.Quantization.isQuantized(run.dir())) {
            if (device.isCuda()) {
                loaded.close();
                throw new IllegalArgumentException(run.dir() + " is quantized to int8 for libtorch's CPU kernels: "
                        + "evaluate it with --device cpu");
            }
            try {
                loaded.int8 = dev.lowres.train.quant.PostTraining.build(dev.lowres.train.run.Quantization.read(run.dir()), network,
                        values);
            } catch (IOException | RuntimeException e) {
                loaded.close();
                throw e;
            }
        }
        return loaded;
    }

    /**
     * The chosen weights of {@code run} by name, checked against {@code network}'s names and shapes (to start
     * another run from them).
     */
    public static Map<String, float[]> weights(RunInfo run, RunInfo.Weights weights, Network network)
            throws IOException {
        return values(run.weightsFile(weights), weights, network);
    }

    /** The network's tensors from {@code file}, by name, checked against the network's names and shapes. */
    private static Map<String, float[]> values(Path file, RunInfo.Weights weights, Network network)
            throws IOException {
        Safetensors.Contents c = Checkpoint.readWeightsOrCheckpoint(file);
        String prefix = !Checkpoint.isCheckpoint(c) ? ""
                : weights == RunInfo.Weights.EMA ? Checkpoint.EMA : Checkpoint.MODEL;
        if (weights == RunInfo.Weights.EMA && !prefix.equals(Checkpoint.EMA)) {
            throw new IllegalArgumentException(file + " is no checkpoint: it holds no weight average");
        }
        if (prefix.equals(Checkpoint.EMA)
                && c.tensors().keySet().stream().noneMatch(k -> k.startsWith(Checkpoint.EMA))) {
            throw new IllegalArgumentException(file + " holds no weight average (the recipe had no ema.decay)");
        }
        String model = c.metadata().get("model");
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Param p : network.params()) {
            Safetensors.Tensor t = c.tensors().get(prefix + p.name());
            if (t == null) {
                throw new IOException(file + " lacks parameter " + prefix + p.name() + " of " + network.name()
                        + (model != null && !model.equals(network.name()) ? " (it holds " + model + ")"
                        : " (weights of another model?)"));
            }
            if (!Arrays.equals(p.shape(), t.shape())) {
                throw new IOException(file + ": parameter " + prefix + p.name() + " has shape "
                        + Arrays.toString(t.shape()) + ", the network expects " + Arrays.toString(p.shape()));
            }
            out.put(p.name(), t.data());
        }
        return out;
    }

    public RunInfo run() {
        return run;
    }

    /** The network's name (the registry's, or {@value ScriptedRun#MODEL}). */
    public String name() {
        return model != null ? model.network().name() : ScriptedRun.MODEL;
    }

    /** The network's parameters and buffers (none listed for a TorchScript network). */
    java.util.List<Param> params() {
        return model != null ? model.params() : java.util.List.of();
    }

    /** The shape of one input image. */
    public InputShape input() {
        return model != null ? model.network().input()
                : new InputShape(run.image().channels(), run.image().height(), run.image().width());
    }

    /** Trainable parameters (of a TorchScript network: every parameter's elements). */
    public long parameters() {
        return model != null ? model.network().parameters() : scriptParameters;
    }

    /**
     * Trainable parameters that are not exactly zero (pruned weights are zeros), and the share of zeros among the
     * convolution and linear weights: {@code [non-zero, sparsity]}. A TorchScript network's: every parameter counted.
     */
    public double[] nonzero() {
        try (PointerScope scope = new PointerScope()) {
            long nonzero = 0;
            long weights = 0;
            long zeroWeights = 0;
            if (model == null) {
                parameter_list list = script.parameters(true);
                parameter_iterator it = list.begin();
                for (long i = 0; i < list.size(); i++) {
                    nonzero += it.multiply().count_nonzero().item_long();
                    it.increment();
                }
                return new double[] {nonzero, Double.NaN};
            }
            for (Param p : model.trainable()) {
                long n = p.value().count_nonzero().item_long();
                nonzero += n;
                if (p.prunable()) {
                    weights += p.numel();
                    zeroWeights += p.numel() - n;
                }
            }
            return new double[] {nonzero, weights == 0 ? 0 : (double) zeroWeights / weights};
        }
    }

    /** GFLOPs of one image's forward pass (NaN for a TorchScript network: not counted). */
    public double gigaflops() {
        return model != null ? model.network().gigaflops() : Double.NaN;
    }

    public Path weightsFile() {
        return weightsFile;
    }

    public Device device() {
        return device;
    }

    /** The precision of the forward passes (resolved). */
    public Precision precision() {
        return precision;
    }

    /**
     * Logits (N, classes), fp32, of pixels (N, C, H, W) in [0, 255] on the model's device, normalised as in
     * training. The graph is recorded when the pixels require gradients and no {@code NoGradGuard} is open.
     */
    public Tensor logits(Tensor pixels) {
        return logitsOfNormalised(run.input().apply(pixels));
    }

    /** Logits of inputs that are already normalised (for timing the network alone). */
    public Tensor logitsOfNormalised(Tensor input) {
        if (int8 != null) {
            return int8.forward(input);
        }
        Tensor out;
        try (Autocast autocast = Autocast.enter(device, precision);
             dev.lowres.train.nn.DoReFa.Scope q = dev.lowres.train.nn.DoReFa.enter(quantizers)) {
            out = model != null ? model.forward(input, false)
                    // a tensor of its own: toTensor() is a reference into the IValue, which must not outlive it
                    : new Tensor(script.forward(new IValueVector(new IValue(input))).toTensor());
        }
        return out.to(torch.ScalarType.Float);
    }

    /** Whether the logits have a gradient with respect to the input (not on int8 kernels). */
    public boolean differentiable() {
        return int8 == null;
    }

    /** Bits per weight as the forward pass computes with them: 8 for an int8 run, k for DoReFa's, else 32. */
    public int weightBits() {
        return int8 != null ? 8 : quantizers != null ? quantizers.weightBits() : 32;
    }

    @Override
    public void close() {
        if (int8 != null) {
            int8.close();
            int8 = null;
        }
        if (model != null) {
            model.close();
        }
        if (script != null) {
            script.releaseReference();
        }
    }
}
