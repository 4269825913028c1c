package dev.lowres.train.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowres.data.bench.BundledPython;
import dev.lowres.data.store.DatasetException;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.engine.Torch;
import dev.lowres.train.eval.Efficiency;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code lowres bench latency}: the forward pass of trained runs (float, pruned, int8) as {@code lowres eval}'s
 * efficiency section measures it (median milliseconds of one image, images per second at a large batch for at least
 * two seconds), run after run and thread count after thread count, repeated over rounds so that a noisy machine
 * shows as a range; beside each, the same network in PyTorch in the fastest form a user would deploy it
 * ({@code torch_train.py --infer}: eager, channels-last, traced and frozen; int8 runs against PyTorch's FX int8).
 */
public final class LatencyBenchmark {
    /** Networks the PyTorch side can build: lowres's WRNs, channel-pruned ones included. */
    private static final Pattern PEER_MODELS = Pattern.compile("wrn-\\d+-\\d+(@\\d+(,\\d+)*)?");
    /** Single-image calls behind the median. */
    public static final int LATENCY_CALLS = 101;

    private LatencyBenchmark() {
    }

    /**
     * One run at one thread count in one round.
     *
     * @param kernels what lowres ran: {@code int8}, or the float precision
     * @param peerForm the PyTorch form with the lowest latency (null: no PyTorch side for this run)
     * @param peerNote why there is no PyTorch side, or null
     */
    public record Measurement(int round, String run, String model, String kernels, int threads, double latencyMs,
                              double imagesPerSecond, String peerForm, Double peerLatencyMs,
                              Double peerImagesPerSecond, String peerNote) {
    }

    /** Hears each measurement as it is made. */
    public interface Listener {
        void measured(Measurement m);
    }

    /**
     * Measures every run at every thread count, {@code rounds} times, interleaved (round, threads, run).
     *
     * @param precision the float runs' precision ({@code auto}: what {@code lowres eval} picks on this CPU)
     * @param peer the Python with torch, or empty for lowres alone
     */
    public static List<Measurement> run(List<Path> runs, List<Integer> threads, int rounds, int batch,
                                        Precision precision, boolean channelsLast, Optional<BundledPython> peer,
                                        Listener listener) throws IOException, DatasetException {
        List<RunInfo> infos = new ArrayList<>();
        for (Path r : runs) {
            infos.add(RunInfo.load(r));
        }
        Precision resolved = precision.resolve(Device.cpu());
        List<Measurement> out = new ArrayList<>();
        int before = Torch.threads();
        try {
            for (int round = 0; round < rounds; round++) {
                for (int t : threads) {
                    for (int i = 0; i < infos.size(); i++) {
                        Measurement m = measure(round, runs.get(i), infos.get(i), t, batch, resolved, channelsLast,
                                peer);
                        out.add(m);
                        listener.measured(m);
                    }
                }
            }
        } finally {
            Torch.threads(before);
        }
        return out;
    }

    private static Measurement measure(int round, Path dir, RunInfo info, int threads, int batch, Precision precision,
                                       boolean channelsLast, Optional<BundledPython> peer)
            throws IOException, DatasetException {
        Torch.threads(threads);
        String model;
        String kernels;
        Efficiency lowres;
        boolean int8;
        try (TrainedModel m = TrainedModel.load(info, RunInfo.Weights.AUTO, Device.cpu(), precision, channelsLast)) {
            model = info.recipe().model();
            int8 = m.weightBits() == 8;
            kernels = int8 ? "int8" : precision.id();
            lowres = Efficiency.measure(m, batch, LATENCY_CALLS, 3);
        }
        String note = peer.isEmpty() ? "--no-reference" : !PEER_MODELS.matcher(model).matches()
                ? "the PyTorch side builds only lowres's WRNs, not " + model : null;
        if (note != null) {
            return new Measurement(round, dir.toString(), model, kernels, threads, lowres.latencyMsBatch1(),
                    lowres.throughputImagesPerSecond(), null, null, null, note);
        }
        var image = info.image();
        List<String> args = new ArrayList<>(List.of("--infer", "--model", model, "--channels",
                String.valueOf(image.channels()), "--size", String.valueOf(image.height()), "--classes",
                String.valueOf(info.classes().size()), "--threads", String.valueOf(threads), "--batch",
                String.valueOf(batch), "--json"));
        if (int8) {
            args.add("--int8");
        }
        JsonNode r = peer.get().run("torch_train.py", args);
        return new Measurement(round, dir.toString(), model, kernels, threads, lowres.latencyMsBatch1(),
                lowres.throughputImagesPerSecond(), r.path("latency_form").asText() + ", torch "
                + r.path("torch_version").asText(), r.path("latency_ms_batch1").asDouble(),
                r.path("images_per_second").asDouble(), null);
    }
}
