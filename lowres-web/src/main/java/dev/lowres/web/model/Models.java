package dev.lowres.web.model;

import dev.lowres.data.store.DatasetException;
import dev.lowres.train.engine.Device;
import dev.lowres.train.engine.Precision;
import dev.lowres.train.eval.RunInfo;
import dev.lowres.train.eval.TrainedModel;
import dev.lowres.train.explain.Explainer;
import dev.lowres.web.http.HttpError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runs' networks the workbench has loaded, the {@value #KEPT} used last. A network is loaded with the run's
 * {@code auto} weights (the final ones if it finished, else its best checkpoint, else its last), in fp32 on the
 * CPU, and loaded again when that file changes (a run still training writes new checkpoints). One request uses a
 * network at a time (its lock); the network evicted, or all of them at {@link #close()}, is closed under its lock,
 * so native memory is never freed under a request that still uses it.
 */
public final class Models implements AutoCloseable {
    /** Networks kept loaded at most. */
    public static final int KEPT = 2;

    /**
     * What a request gets to use while it holds the network.
     *
     * @param weights the weights file loaded
     * @param version the weights file and its modification time: changes when the network is loaded anew
     */
    public record Loaded(RunInfo info, TrainedModel model, Explainer explainer, Path weights, String version) {
    }

    /** Work with a loaded network. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(Loaded loaded) throws IOException;
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        Loaded loaded;
        boolean closed;
    }

    private final LinkedHashMap<Path, Slot> slots = new LinkedHashMap<>(8, 0.75f, true);
    private boolean closed;

    /**
     * Runs {@code use} with the network of the run in {@code dir}, loading it first if needed.
     *
     * @throws HttpError 422 when the directory's run cannot be loaded (not a run, no weights, a broken file)
     */
    public <T> T with(Path dir, Use<T> use) throws IOException {
        while (true) {
            Slot slot = slot(dir.toAbsolutePath().normalize());
            slot.lock.lock();
            try {
                if (slot.closed) {
                    continue; // evicted between lookup and lock: take a fresh slot
                }
                return use.apply(current(slot, dir));
            } finally {
                slot.lock.unlock();
            }
        }
    }

    private Slot slot(Path dir) {
        List<Slot> evicted = new ArrayList<>();
        Slot slot;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the workbench is stopping");
            }
            slot = slots.computeIfAbsent(dir, d -> new Slot());
            Iterator<Map.Entry<Path, Slot>> it = slots.entrySet().iterator();
            while (slots.size() - evicted.size() > KEPT && it.hasNext()) {
                Map.Entry<Path, Slot> e = it.next();
                if (e.getValue() != slot) {
                    evicted.add(e.getValue());
                    it.remove();
                }
            }
        }
        evicted.forEach(Models::release);
        return slot;
    }

    private static Loaded current(Slot slot, Path dir) {
        try {
            RunInfo info = RunInfo.load(dir);
            Path weights = info.weightsFile(RunInfo.Weights.AUTO);
            String version = weights + "@" + Files.getLastModifiedTime(weights).toMillis();
            if (slot.loaded != null && slot.loaded.version().equals(version)) {
                return slot.loaded;
            }
            if (slot.loaded != null) {
                slot.loaded.model().close();
                slot.loaded = null;
            }
            TrainedModel model = TrainedModel.load(info, RunInfo.Weights.AUTO, Device.cpu(), Precision.FP32, true);
            slot.loaded = new Loaded(info, model, new Explainer(model), weights, version);
            return slot.loaded;
        } catch (IOException | DatasetException | RuntimeException e) {
            throw new HttpError(422, "cannot load the run's network: " + e.getMessage());
        }
    }

    private static void release(Slot slot) {
        slot.lock.lock();
        try {
            if (slot.loaded != null) {
                slot.loaded.model().close();
                slot.loaded = null;
            }
            slot.closed = true;
        } finally {
            slot.lock.unlock();
        }
    }

    /** Networks loaded now (for tests and the log). */
    public synchronized int loaded() {
        return (int) slots.values().stream().filter(s -> s.loaded != null).count();
    }

    @Override
    public void close() {
        List<Slot> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(slots.values());
            slots.clear();
        }
        all.forEach(Models::release);
    }
}
