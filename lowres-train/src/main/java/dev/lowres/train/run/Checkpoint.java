package dev.lowres.train.run;

import dev.lowres.train.export.Safetensors;
import dev.lowres.train.model.Model;
import dev.lowres.train.nn.Param;
import dev.lowres.train.optim.MomentumSgd;
import dev.lowres.train.optim.WeightAverage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint format ({@code lowres-checkpoint/2}): one safetensors file holding every parameter and buffer
 * under {@code model/<name>}, the momentum buffers under {@code momentum/<name>}, the weight average under
 * {@code ema/<name>}, and the {@link Position} and model name in the metadata. Names are the network's
 * PyTorch-style paths; format 1 (the DJL engine's, other names) is refused with a message.
 */
public final class Checkpoint {
    public static final String FORMAT = "lowres-checkpoint/2";
    public static final String MODEL = "model/";
    public static final String MOMENTUM = "momentum/";
    public static final String EMA = "ema/";
    /** The metadata format of exported weights ({@code model.safetensors}). */
    public static final String WEIGHTS_FORMAT = "lowres-weights/2";

    private Checkpoint() {
    }

    /** A checkpoint's contents, read from the tensors once, to be checked and written to one or more files. */
    public record Snapshot(Map<String, Safetensors.Tensor> tensors, Map<String, String> metadata) {
        /** The first parameter or buffer of the model (not momentum or average) with a NaN or infinity, or null. */
        public String firstNonFinite() {
            for (Map.Entry<String, Safetensors.Tensor> e : tensors.entrySet()) {
                if (e.getKey().startsWith(MODEL)) {
                    for (float f : e.getValue().data()) {
                        if (!Float.isFinite(f)) {
                            return e.getKey().substring(MODEL.length());
                        }
                    }
                }
            }
            return null;
        }

        /** Writes the checkpoint to {@code file} atomically. */
        public void write(Path file) throws IOException {
            Safetensors.write(file, tensors, metadata);
        }
    }

    /** Takes a checkpoint's contents from the model, the optimizer and the weight average. */
    public static Snapshot snapshot(Model model, MomentumSgd sgd, WeightAverage ema, Position position) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        Map<String, float[]> values = model.values();
        for (Param p : model.params()) {
            tensors.put(MODEL + p.name(), new Safetensors.Tensor(p.shape(), values.get(p.name())));
        }
        put(tensors, MOMENTUM, sgd.state(), model);
        if (ema != null) {
            put(tensors, EMA, ema.state(), model);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", model.network().name());
        meta.put("epoch", String.valueOf(position.epoch()));
        meta.put("batch", String.valueOf(position.batch()));
        meta.put("step", String.valueOf(position.step()));
        meta.put("best_val_top1", String.valueOf(position.bestTop1()));
        meta.put("epoch_tally", position.epochTally().encode());
        meta.put("window_tally", position.windowTally().encode());
        return new Snapshot(tensors, meta);
    }

    private static void put(Map<String, Safetensors.Tensor> out, String prefix, Map<String, float[]> values,
                            Model model) {
        values.forEach((name, data) -> out.put(prefix + name, new Safetensors.Tensor(model.param(name).shape(), data)));
    }

    /**
     * Restores weights, momentum and average from a checkpoint and returns its position.
     *
     * @throws IOException for a file that is no lowres checkpoint, of another format or another model
     */
    public static Position restore(Path file, Model model, MomentumSgd sgd, WeightAverage ema) throws IOException {
        Safetensors.Contents c = read(file);
        if (!model.network().name().equals(c.metadata().get("model"))) {
            throw new IOException(file + " holds " + c.metadata().get("model") + ", not " + model.network().name());
        }
        model.load(prefixed(c, MODEL), file.toString());
        sgd.restore(prefixed(c, MOMENTUM));
        if (ema != null) {
            ema.restore(prefixed(c, EMA));
        }
        return new Position(Integer.parseInt(c.metadata().get("epoch")), Integer.parseInt(c.metadata().get("batch")),
                Long.parseLong(c.metadata().get("step")), Double.parseDouble(c.metadata().get("best_val_top1")),
                Tally.decode(c.metadata().get("epoch_tally")), Tally.decode(c.metadata().get("window_tally")));
    }

    /** Reads a checkpoint file, checking its format. */
    public static Safetensors.Contents read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        String format = c.metadata().get("format");
        if ("lowres-checkpoint/1".equals(format)) {
            throw new IOException(file + " was written by lowres's DJL engine (lowres-checkpoint/1, other parameter "
                    + "names); this version reads lowres-checkpoint/2: retrain the run");
        }
        if (!FORMAT.equals(format)) {
            throw new IOException(file + " is not a lowres checkpoint (format " + format + ")");
        }
        return c;
    }

    /**
     * Reads a checkpoint or exported weights ({@value #WEIGHTS_FORMAT}), refusing the DJL engine's files of either
     * kind with a message (their parameter names differ).
     */
    public static Safetensors.Contents readWeightsOrCheckpoint(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        String format = c.metadata().get("format");
        if (format != null && format.startsWith("lowres-checkpoint/")) {
            return read(file);
        }
        if ("lowres-weights/1".equals(format)) {
            throw new IOException(file + " was written by lowres's DJL engine (lowres-weights/1, other parameter "
                    + "names); this version reads " + WEIGHTS_FORMAT + ": retrain the run");
        }
        return c;
    }

    /** Whether contents read by {@link #readWeightsOrCheckpoint} are a checkpoint (prefixed names). */
    public static boolean isCheckpoint(Safetensors.Contents c) {
        return FORMAT.equals(c.metadata().get("format"));
    }

    /** The tensors under {@code prefix}, by name without it. */
    public static Map<String, float[]> prefixed(Safetensors.Contents c, String prefix) {
        Map<String, float[]> out = new LinkedHashMap<>();
        c.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), t.data());
            }
        });
        return out;
    }

    /** Writes the final weights ({@code model.safetensors}: names without prefix, PyTorch reads them). */
    public static void export(Path file, Model model) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        Map<String, float[]> values = model.values();
        for (Param p : model.params()) {
            tensors.put(p.name(), new Safetensors.Tensor(p.shape(), values.get(p.name())));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", WEIGHTS_FORMAT);
        meta.put("model", model.network().name());
        meta.put("input", model.network().input().toString());
        meta.put("classes", String.valueOf(model.network().classes()));
        Safetensors.write(file, tensors, meta);
    }
}
