package dev.lowres.train.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowres.data.store.AtomicFiles;
import dev.lowres.data.store.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "type"} first: {@code step} lines every
 * {@code log_every_steps} steps, an {@code epoch} line per epoch, an {@code error} line when the run stops on a
 * non-finite loss. NaN figures (an epoch without validation) are written as null.
 */
public final class MetricsLog {
    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
    }

    /** A log that writes nothing: a data-parallel rank other than 0, whose figures rank 0 logs. */
    public static MetricsLog discard() {
        return new MetricsLog(null);
    }

    /** A logging window's figures. */
    @JsonPropertyOrder({"type", "epoch", "step", "loss", "lr", "images_per_second"})
    public record Step(String type, int epoch, long step, double loss, double lr, double imagesPerSecond) {
        public Step(int epoch, long step, double loss, double lr, double imagesPerSecond) {
            this("step", epoch, step, loss, lr, imagesPerSecond);
        }
    }

    /** An epoch's figures (see {@link dev.lowres.train.loop.EpochMetrics}). */
    @JsonPropertyOrder({"type", "epoch", "step", "lr", "train_loss", "train_top1", "val_loss", "val_top1", "val_top5",
        "ema_val_top1", "seconds", "images_per_second"})
    public record Epoch(String type, int epoch, long step, double lr, double trainLoss, double trainTop1,
                        double valLoss, double valTop1, double valTop5, double emaValTop1, double seconds,
                        double imagesPerSecond) {
    }

    /** Why the run stopped. */
    @JsonPropertyOrder({"type", "epoch", "batch", "step", "message"})
    public record Error(String type, int epoch, int batch, long step, String message) {
        public Error(int epoch, int batch, long step, String message) {
            this("error", epoch, batch, step, message);
        }
    }

    /** Appends one line. */
    public void append(Object line) throws IOException {
        if (file == null) {
            return;
        }
        ObjectNode node = Json.mapper().valueToTree(line);
        List<String> nan = new ArrayList<>();
        node.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber() && !Double.isFinite(f.getValue().asDouble())) {
                nan.add(f.getKey());
            }
        });
        nan.forEach(node::putNull);
        String text = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Keeps the lines written before the checkpoint at {@code position}, so a resumed run does not repeat them:
     * those of earlier steps, and of its step all but the epoch line of its own epoch, which a checkpoint inside
     * an epoch (even after its last batch) precedes.
     */
    public void truncate(Position position) throws IOException {
        long step = position.step();
        if (file == null || !Files.exists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(line);
            } catch (IOException e) {
                continue; // a line cut by a kill
            }
            long lineStep = n.path("step").asLong(Long.MAX_VALUE);
            boolean laterEpochLine = n.path("type").asText().equals("epoch")
                    && n.path("epoch").asInt(Integer.MAX_VALUE) >= position.epoch();
            if (lineStep < step || (lineStep == step && !laterEpochLine)) {
                kept.add(line);
            }
        }
        AtomicFiles.write(file, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The lines of a metrics.jsonl, typed: step, epoch and error lines in file order. A null figure (NaN when
     * written) reads as NaN, so does one an older file lacks.
     */
    public record Lines(List<Step> steps, List<Epoch> epochs, List<Error> errors) {
        public static final Lines NONE = new Lines(List.of(), List.of(), List.of());

        public Lines {
            steps = List.copyOf(steps);
            epochs = List.copyOf(epochs);
            errors = List.copyOf(errors);
        }

        /** Whether there is nothing to draw. */
        public boolean isEmpty() {
            return steps.isEmpty() && epochs.isEmpty();
        }
    }

    /** Doubles that were NaN when written are null on disk: read them back as NaN, not 0. */
    private static final ObjectMapper READER = Json.mapper().copy().registerModule(new SimpleModule()
            .addDeserializer(double.class, new NumberDeserializers.DoubleDeserializer(double.class, Double.NaN)));

    /** Every complete line, typed; a line cut by a kill (or of a type this version does not know) is left out. */
    public Lines read() throws IOException {
        return file == null || !Files.exists(file) ? Lines.NONE : parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** {@link #read} of lines at hand. */
    public static Lines parse(List<String> lines) {
        List<Step> steps = new ArrayList<>();
        List<Epoch> epochs = new ArrayList<>();
        List<Error> errors = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = READER.readTree(line);
                switch (n.path("type").asText("")) {
                    case "step" -> steps.add(READER.treeToValue(n, Step.class));
                    case "epoch" -> epochs.add(READER.treeToValue(n, Epoch.class));
                    case "error" -> errors.add(READER.treeToValue(n, Error.class));
                    default -> { }
                }
            } catch (IOException e) {
                // a line cut by a kill, or still being written
            }
        }
        return new Lines(steps, epochs, errors);
    }
}
