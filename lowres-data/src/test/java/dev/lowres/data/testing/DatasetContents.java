package dev.lowres.data.testing;

import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A whole (small) dataset read into memory through {@link Dataset}, split by split, for assertions. */
public record DatasetContents(Manifest manifest, Map<String, Split> splits) {

    /** One split: all pixels in record order, the labels and the keys. */
    public record Split(byte[] pixels, short[] labels, List<String> keys) {
        public int count() {
            return labels.length;
        }
    }

    public static DatasetContents read(Path dir) {
        try {
            Dataset dataset = Dataset.open(dir);
            Map<String, Split> splits = new LinkedHashMap<>();
            for (Map.Entry<String, Manifest.Split> e : dataset.manifest().splits().entrySet()) {
                ByteArrayOutputStream pixels = new ByteArrayOutputStream();
                List<Short> labels = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (Manifest.Shard shard : e.getValue().shards()) {
                    ByteBuffer images = dataset.mapImages(shard);
                    byte[] bytes = new byte[images.remaining()];
                    images.get(bytes);
                    pixels.write(bytes);
                    for (short l : dataset.labels(shard)) {
                        labels.add(l);
                    }
                    keys.addAll(dataset.keys(shard));
                }
                short[] l = new short[labels.size()];
                for (int i = 0; i < l.length; i++) {
                    l[i] = labels.get(i);
                }
                splits.put(e.getKey(), new Split(pixels.toByteArray(), l, List.copyOf(keys)));
            }
            return new DatasetContents(dataset.manifest(), splits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DatasetException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    public Split split(String name) {
        Split s = splits.get(name);
        if (s == null) {
            throw new AssertionError("no split " + name + "; splits: " + splits.keySet());
        }
        return s;
    }

    /** The wnid of the class of a label. */
    public String wnid(int label) {
        return manifest.classes().get(label).wnid();
    }
}
