package dev.lowres.train.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code run.json}: what a run was started with and on. Evaluation reads the classes (by wnid) and the input
 * shape from it; {@code --resume} reads the data, device and precision.
 *
 * @param data the training dataset directory (absolute)
 * @param device the device, e.g. {@code cpu} or {@code cuda:0}
 * @param precision the resolved precision ({@code fp32}, {@code bf16}, {@code fp16})
 * @param channelsLast whether weights and activations were kept channels-last
 * @param command the command line
 * @param tool lowres's version
 * @param engine the engine, e.g. {@code libtorch 2.10.0 (JavaCPP 1.5.13)}
 * @param classes the network's outputs in order, by wnid
 * @param image the input shape
 * @param worldSize the data-parallel ranks the run was started on (null: one process)
 * @param teacher the network it was distilled from (null: none)
 */
@JsonPropertyOrder({"data", "device", "precision", "channels_last", "command", "tool", "engine", "classes", "image", "world_size",
    "teacher"})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(String data, String device, String precision, Boolean channelsLast, List<String> command,
                        String tool, String engine, List<ClassEntry> classes, Image image, Integer worldSize,
                        Teacher teacher) {
    /**
     * The input shape.
     *
     * @param channels channels
     * @param height rows
     * @param width columns
     */
    @JsonPropertyOrder({"channels", "height", "width"})
    public record Image(int channels, int height, int width) {
    }

    /**
     * The teacher of a distilled run, as it was when the run started: a resume checks that its weights are still
     * the same bytes.
     *
     * @param run the teacher's run directory (absolute)
     * @param weights the weights file read (absolute)
     * @param sha256 the weights file's SHA-256
     * @param model the teacher's network
     */
    @JsonPropertyOrder({"run", "weights", "sha256", "model"})
    public record Teacher(String run, String weights, String sha256, String model) {
    }

    /** Writes {@code run.json} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(this));
    }

    /** Reads a {@code run.json}. */
    public static RunRecord read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file.getParent() + " is not a lowres run directory (no "
                    + file.getFileName() + ")");
        }
        return Json.mapper().readValue(file.toFile(), RunRecord.class);
    }
}
