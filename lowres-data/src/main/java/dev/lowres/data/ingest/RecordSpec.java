package dev.lowres.data.ingest;

import dev.lowres.data.image.ResampleFilter;
import dev.lowres.data.store.Manifest;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What turns one input into its records: the output sizes, the filter, the decode mode and the pixel limit.
 * Serializable, so that it travels to the executors of a cluster build with each task.
 *
 * @param sizes the output sizes in pixels, one record per size
 * @param filter the resample filter
 * @param fast whether JPEGs are decoded at reduced scale in the DCT domain
 * @param maxPixels images whose header declares more pixels are refused before decoding
 * @param fastMinSide in fast mode, the DCT reduction keeps both sides at least this many pixels
 *                    ({@link RecordMaker#FAST_MIN_SIDE_FACTOR} times the largest size of the build)
 */
public record RecordSpec(List<Integer> sizes, ResampleFilter filter, boolean fast, long maxPixels, int fastMinSide)
        implements Serializable {
    public RecordSpec {
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("sizes must be positive, and at least one: " + sizes);
        }
        if (maxPixels < 1 || fastMinSide < 1) {
            throw new IllegalArgumentException("maxPixels and fastMinSide must be positive");
        }
    }

    /** The spec of a build of {@code sizes}: in fast mode both sides stay at least twice the largest. */
    public RecordSpec(List<Integer> sizes, ResampleFilter filter, boolean fast, long maxPixels) {
        this(sizes, filter, fast, maxPixels, RecordMaker.FAST_MIN_SIDE_FACTOR
                * sizes.stream().mapToInt(Integer::intValue).max().orElse(1));
    }

    /**
     * How the records of a dataset that lowres built were made, read back from its manifest: its one size, the
     * filter, the decode mode with the build's fast-mode side, and the pixel limit (capped at {@code maxPixels}).
     * Empty for a dataset lowres imported (e.g. the original Imagenet32 .npz files): how those were made is not
     * recorded.
     */
    public static Optional<RecordSpec> of(Manifest manifest, long maxPixels) {
        Manifest.BuildInfo build = manifest.build();
        if (build == null || build.resample() == null || build.decode() == null) {
            return Optional.empty();
        }
        int size = manifest.image().height();
        Map<String, Object> options = build.options() == null ? Map.of() : build.options();
        long limit = options.get("max_pixels") instanceof Number n ? Math.min(n.longValue(), maxPixels) : maxPixels;
        int minSide = options.get("fast_min_side") instanceof Number n ? n.intValue()
                : RecordMaker.FAST_MIN_SIDE_FACTOR * size;
        return Optional.of(new RecordSpec(List.of(size), ResampleFilter.parse(build.resample()),
                "fast".equals(build.decode()), limit, minSide));
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
