package dev.lowres.train.eval;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.lowres.train.export.Safetensors;
import dev.lowres.train.model.ModelRegistry;
import dev.lowres.train.model.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A run's network with its trained weights, in inference mode (batch norm uses its running statistics): it
 * maps pixel batches to logits, and gives the gradient of the loss with respect to the pixels for attacks.
 */
public final class TrainedModel implements AutoCloseable {
    private final RunInfo run;
    private final Network network;
    private final Model model;
    private final ParameterStore parameters;
    private final Path weightsFile;
    private final Device device;

    private TrainedModel(RunInfo run, Network network, Model model, Path weightsFile, Device device) {
        this.run = run;
        this.network = network;
        this.model = model;
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.weightsFile = weightsFile;
        this.device = device;
    }

    /** Builds the run's network on {@code device} and loads the chosen weights into it. */
    public static TrainedModel load(RunInfo run, RunInfo.Weights weights, Device device) throws IOException {
        Path file = run.weightsFile(weights);
        Network network = ModelRegistry.create(run.recipe().model(), run.image().channels(), run.image().height(),
                run.classes().size());
        Model model = Model.newInstance(network.name(), device);
        try {
            model.setBlock(network.block());
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, run.image().channels(),
                    run.image().height(), run.image().width()));
            Safetensors.Contents c = Safetensors.read(file);
            boolean checkpoint = c.tensors().keySet().stream().anyMatch(k -> k.startsWith("model/"));
            if (weights == RunInfo.Weights.EMA && c.tensors().keySet().stream().noneMatch(k -> k.startsWith("ema/"))) {
                throw new IllegalArgumentException(file + " holds no weight average (the recipe had no ema.decay)");
            }
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                String key = p.getKey();
                Safetensors.Tensor t = weights == RunInfo.Weights.EMA ? c.tensors().get("ema/" + key) : null;
                if (t == null) {
                    t = c.tensors().get(checkpoint ? "model/" + key : key);
                }
                if (t == null) {
                    throw new IOException(file + " lacks parameter " + key + " of " + network.name()
                            + " (weights of another model?)");
                }
                long[] expected = p.getValue().getArray().getShape().getShape();
                if (!Arrays.equals(expected, t.shape())) {
                    throw new IOException(file + ": parameter " + key + " has shape " + Arrays.toString(t.shape())
                            + ", the network expects " + Arrays.toString(expected));
                }
                p.getValue().getArray().set(t.data());
                // inference only: an attack's backward pass needs the input's gradient, not the weights'
                p.getValue().getArray().setRequiresGradient(false);
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedModel(run, network, model, file, device);
    }

    public RunInfo run() {
        return run;
    }

    public Network network() {
        return network;
    }

    public Path weightsFile() {
        return weightsFile;
    }

    public Device device() {
        return device;
    }

    /** The model's memory: create per-batch sub-managers from it. */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** Logits (N, classes) of pixels (N, C, H, W) in [0, 255], normalised as in training. */
    public NDArray logits(NDArray pixels) {
        NDArray input = run.input().apply(pixels);
        return model.getBlock().forward(parameters, new NDList(input), false).singletonOrThrow();
    }

    /** Logits of inputs that are already normalised (for timing the network alone). */
    public NDArray logitsOfNormalised(NDArray input) {
        return model.getBlock().forward(parameters, new NDList(input), false).singletonOrThrow();
    }

    @Override
    public void close() {
        model.close();
    }
}
