package dev.lowres.train.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@value #FILE}: what makes a run directory a quantized one. Such a directory holds the original run's config,
 * run.json, input statistics and fp32 weights, plus the calibrated activation ranges written here; the int8 weights
 * follow from the fp32 ones exactly (per channel, {@code max |w| / 127}), so the int8 network is rebuilt the same
 * way whenever it is loaded, and {@code lowres eval} evaluates it unchanged.
 *
 * @param format {@value #FORMAT}
 * @param method {@code ptq-int8}
 * @param engine libtorch's quantized engine that ran the calibration (e.g. {@code X86})
 * @param observer how the ranges were taken ({@code minmax} or {@code percentile})
 * @param calibrationRecords training images the ranges were observed on
 * @param data the dataset they came from
 * @param split its split
 * @param seed the seed of their random choice
 * @param from the fp32 run (absolute)
 * @param ranges per quantization point, the [low, high] range of its activations
 */
@JsonPropertyOrder({"format", "method", "engine", "observer", "calibration_records", "data", "split", "seed", "from",
    "ranges"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Quantization(String format, String method, String engine, String observer, int calibrationRecords,
                           String data, String split, long seed, String from, Map<String, double[]> ranges) {
    public static final String FILE = "quantization.json";
    public static final String FORMAT = "lowres-quantization/1";

    /** Whether a run directory holds a quantized network. */
    public static boolean isQuantized(Path runDir) {
        return Files.exists(runDir.resolve(FILE));
    }

    /** Reads {@code dir}/{@value #FILE}. */
    public static Quantization read(Path runDir) throws IOException {
        Quantization q = Json.mapper().readValue(runDir.resolve(FILE).toFile(), Quantization.class);
        if (!FORMAT.equals(q.format())) {
            throw new IOException(runDir.resolve(FILE) + " is not " + FORMAT + " (format " + q.format() + ")");
        }
        return q;
    }

    /** Refuses an {@code out} that already holds a run. */
    public static void requireNew(Path out) {
        if (Files.exists(out.resolve(RunDirectory.CONFIG))) {
            throw new IllegalArgumentException(out + " already holds a run; choose another --out");
        }
    }

    /**
     * Writes the quantized run {@code out}: the fp32 run's config, run.json and input statistics, its weights
     * ({@code weights}) as model.safetensors, and this record last.
     */
    public void write(Path fromRun, Path weights, Path out) throws IOException {
        requireNew(out);
        Files.createDirectories(out);
        for (String file : List.of(RunDirectory.CONFIG, RunDirectory.RUN, "input.safetensors")) {
            Files.copy(fromRun.resolve(file), out.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(weights, out.resolve(RunDirectory.EXPORT), StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.write(out.resolve(FILE), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }
}
