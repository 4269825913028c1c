package dev.lowres.train.quant;

import dev.lowres.data.load.Batch;
import dev.lowres.data.load.Epoch;
import dev.lowres.data.load.EpochOrder;
import dev.lowres.data.load.Loader;
import dev.lowres.data.load.LoaderConfig;
import dev.lowres.data.store.DatasetException;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Tensors;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.model.Network;
import dev.lowres.train.run.Quantization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/** Post-training int8 quantization: calibration on training images, then the record of a quantized run. */
public final class PostTraining {
    private PostTraining() {
    }

    /** The int8 network of a quantized run's fp32 weights. */
    public static Int8WideResNet build(Quantization q, Network network, Map<String, float[]> values) {
        return Int8WideResNet.of(network, values).quantize(q.ranges());
    }

    /**
     * Observes the activations of {@code records} images of {@code data}'s {@code split} (a random choice from
     * {@code seed}; all of them when the split holds fewer, as the record says), normalised by {@code normalise} as the network was trained, and returns the quantized run's
     * record.
     *
     * @throws IllegalArgumentException for a network other than a Wide ResNet or no records
     */
    public static Quantization calibrate(Network network, Map<String, float[]> weights, Path data, String split,
                                         UnaryOperator<Tensor> normalise, int records, Calibration.Observer observer,
                                         long seed, Path fromRun) throws IOException, DatasetException {
        if (records < 1) {
            throw new IllegalArgumentException("calibration needs at least one image: " + records);
        }
        var splits = dev.lowres.data.store.Dataset.open(data).manifest().splits();
        if (!splits.containsKey(split)) {
            throw new IllegalArgumentException(data + " has no split '" + split + "'; it has " + splits.keySet());
        }
        long available = splits.get(split).count();
        int batch = (int) Math.max(1, Math.min(128, Math.min(records, available)));
        Calibration calibration = new Calibration(observer);
        int seen = 0;
        try (Int8WideResNet int8 = Int8WideResNet.of(network, weights);
             Loader loader = Loader.open(LoaderConfig.builder().data(data).split(split)
                     .batchSize(batch).order(EpochOrder.SHUFFLE).seed(seed).dropLast(false)
                     .output(LoaderConfig.Output.UINT8).threads(Math.max(1, Torch.threads())).build());
             Epoch epoch = loader.epoch(0)) {
            var shape = network.input();
            while (seen < records && epoch.hasNext()) {
                Batch b = epoch.next();
                int n = Math.min(b.size(), records - seen);
                try (PointerScope scope = new PointerScope()) {
                    Tensor pixels = Tensors.pixels(b.images(), Device.cpu(), b.size(), shape.channels(),
                            shape.height(), shape.width()).narrow(0, 0, n);
                    int8.floatForward(normalise.apply(pixels), calibration);
                }
                seen += n;
            }
        }
        return new Quantization(Quantization.FORMAT, "ptq-int8", Torch.quantizedEngine(), observer.id(), seen,
                data.toAbsolutePath().normalize().toString(), split, seed,
                fromRun.toAbsolutePath().normalize().toString(), new LinkedHashMap<>(calibration.ranges()));
    }
}
