package dev.lowres.data.ingest;

import dev.lowres.data.image.ResampleFilter;
import java.io.Serializable;
import java.util.List;

/**
 * What turns one input into its records: the output sizes, the filter, the decode mode and the pixel limit.
 * Serializable, so that it travels to the executors of a cluster build with each task.
 *
 * @param sizes the output sizes in pixels, one record per size
 * @param filter the resample filter
 * @param fast whether JPEGs are decoded at reduced scale in the DCT domain
 * @param maxPixels images whose header declares more pixels are refused before decoding
 */
public record RecordSpec(List<Integer> sizes, ResampleFilter filter, boolean fast, long maxPixels)
        implements Serializable {
    public RecordSpec {
        sizes = List.copyOf(sizes);
    }

    /** The largest size: the fast decode keeps both sides at least twice it. */
    public int maxSize() {
        return sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Bytes of one record of size {@code sizes().get(t)}: 3 planes of S x S. */
    public int bytesPerImage(int t) {
        return 3 * sizes.get(t) * sizes.get(t);
    }
}
