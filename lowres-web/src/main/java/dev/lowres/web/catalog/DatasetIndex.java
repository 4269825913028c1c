package dev.lowres.web.catalog;

import dev.lowres.data.load.SplitView;
import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the pages need of one dataset, built once and kept: its manifest, and per split (on first use) the
 * memory-mapped records and the records of each class in split order. A page then reads only the records it
 * shows: one pass over the labels (2 bytes a record, 2.5 MB for ImageNet's 1.28M) when a split is first
 * opened, none afterwards. Keys are read per shard, when a record of that shard is shown.
 */
public final class DatasetIndex {
    private static final int KEY_SHARDS_KEPT = 64;

    private final Dataset dataset;
    private final long manifestModified;
    private final Map<String, SplitIndex> splits = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keys = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                    return size() > KEY_SHARDS_KEPT;
                }
            });

    private DatasetIndex(Dataset dataset, long manifestModified) {
        this.dataset = dataset;
        this.manifestModified = manifestModified;
    }

    public static DatasetIndex open(Path dir) throws IOException, DatasetException {
        long modified = Files.getLastModifiedTime(dir.resolve("manifest.json")).toMillis();
        return new DatasetIndex(Dataset.open(dir), modified);
    }

    /** Whether the manifest on disk is still the one this index was built from (a rebuild replaces it). */
    public boolean current() {
        try {
            return Files.getLastModifiedTime(dataset.dir().resolve("manifest.json")).toMillis() == manifestModified;
        } catch (IOException e) {
            return false;
        }
    }

    public Manifest manifest() {
        return dataset.manifest();
    }

    public Path dir() {
        return dataset.dir();
    }

    /** A split's records; {@code HttpError}-free: the caller checks the split's name against the manifest. */
    public SplitIndex split(String name) {
        return splits.computeIfAbsent(name, n -> {
            try {
                return new SplitIndex(SplitView.open(dataset.dir(), n, false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DatasetException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** The key (source path) of record {@code index} of {@code split}; each shard's keys are read once. */
    public String key(String split, int index) throws IOException {
        SplitView.Location at = split(split).view.locate(index);
        List<String> list = keys.get(at.shard().keys());
        if (list == null) {
            list = dataset.keys(at.shard());
            keys.put(at.shard().keys(), list);
        }
        return at.offset() < list.size() ? list.get(at.offset()) : "?";
    }

    /** One split: its view and, per class, its records' indices in split order. */
    public static final class SplitIndex {
        private final SplitView view;
        private final int[][] byClass;

        SplitIndex(SplitView view) {
            this.view = view;
            int classes = view.classes();
            int[] counts = new int[classes];
            for (int i = 0; i < view.size(); i++) {
                counts[view.label(i)]++;
            }
            byClass = new int[classes][];
            for (int c = 0; c < classes; c++) {
                byClass[c] = new int[counts[c]];
            }
            Arrays.fill(counts, 0);
            for (int i = 0; i < view.size(); i++) {
                int c = view.label(i);
                byClass[c][counts[c]++] = i;
            }
        }

        public int size() {
            return view.size();
        }

        public int label(int index) {
            return view.label(index);
        }

        /** The records of class {@code label}, in split order. */
        public int[] records(int label) {
            return byClass[label];
        }

        /** Record {@code index}'s pixels as stored: planar, channels x height x width. */
        public byte[] pixels(int index) {
            byte[] pixels = new byte[view.shape().bytesPerImage()];
            view.read(index, pixels, 0);
            return pixels;
        }

        /** Record {@code index} as a PNG at its stored size (pages scale it up without smoothing). */
        public byte[] png(int index) {
            Manifest.ImageShape shape = view.shape();
            return dev.lowres.train.explain.Heatmap.image(pixels(index), shape.channels(), shape.height(),
                    shape.width(), 1);
        }
    }
}
