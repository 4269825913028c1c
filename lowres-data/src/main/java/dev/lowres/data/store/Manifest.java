package dev.lowres.data.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lowres.data.classes.ClassEntry;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: the dataset card and the commit point of a build. A directory without one is an
 * unfinished build, never a dataset. Field names are snake_case in JSON.
 *
 * @param format always {@link #FORMAT}
 * @param name a short name, e.g. {@code imagenet32}
 * @param image the shape of every record
 * @param classes the classes in label order
 * @param classOrder how the labels are numbered: {@code sorted}, {@code imagenet32} or {@code source}
 * @param splits the splits by name, in the order they were written
 * @param build how the dataset was made
 * @param skipped inputs that did not become records, with the reason
 * @param checksum {@code sha256:<hex>} of the manifest's own canonical content (see {@link ManifestIO}),
 *                 set by {@link ManifestIO#write}; {@code null} in manifests of older lowres versions
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "name", "image", "class_order", "classes", "splits", "build", "skipped", "checksum"})
public record Manifest(String format, String name, ImageShape image, List<ClassEntry> classes, String classOrder,
                       Map<String, Split> splits, BuildInfo build, List<Skipped> skipped, String checksum) {

    /** The format identifier this version of lowres writes and reads. */
    public static final String FORMAT = "lowres-dataset/1";

    /** This manifest with another {@code checksum} ({@code null}: none). */
    public Manifest withChecksum(String newChecksum) {
        return new Manifest(format, name, image, classes, classOrder, splits, build, skipped, newChecksum);
    }

    /** Height, width and channels of each record; images are stored (channels, height, width). */
    public record ImageShape(int height, int width, int channels) implements java.io.Serializable {
        public int bytesPerImage() {
            return height * width * channels;
        }

        /** As lowres writes a shape for people: channels x height x width, e.g. {@code 3x32x32}. */
        public String describe() {
            return channels + "x" + height + "x" + width;
        }
    }

    /**
     * One split.
     *
     * @param count records in the split
     * @param shards the shard files in order
     * @param mean per-channel mean of the pixels, in pixel units (0..255)
     * @param std per-channel standard deviation of the pixels, in pixel units
     * @param meanImage the mean image (float32, shape (channels, height, width)) for mean-image subtraction
     * @param classCounts records per class, in label order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"count", "mean", "std", "class_counts", "mean_image", "shards"})
    public record Split(long count, List<Shard> shards, double[] mean, double[] std, FileRef meanImage,
                        long[] classCounts) {
    }

    /**
     * One shard: three files and their SHA-256 digests.
     *
     * @param images uint8 npy, shape (count, channels, height, width)
     * @param labels int16 npy, shape (count,)
     * @param keys text, one source key per line
     * @param count records in the shard
     * @param sha256 digest of each of the three files, by file name
     */
    @JsonPropertyOrder({"images", "labels", "keys", "count", "sha256"})
    public record Shard(String images, String labels, String keys, long count, Map<String, String> sha256)
            implements java.io.Serializable {
        /** The three file names. */
        public List<String> files() {
            return List.of(images, labels, keys);
        }
    }

    /** A file of the dataset and its SHA-256 digest. */
    public record FileRef(String file, String sha256) {
    }

    /**
     * How the dataset was made.
     *
     * @param tool the tool and its version
     * @param source where the inputs came from
     * @param sourceLayout which reader read them (e.g. {@code ilsvrc}, {@code class-folders},
     *                     {@code imagenetv2}, {@code imagenet32-npz})
     * @param resample the resample filter, for built datasets
     * @param decode {@code exact} (PIL-identical) or {@code fast} (DCT-domain reduced decode)
     * @param options the remaining options that shaped the output
     * @param command the command line
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BuildInfo(String tool, String source, String sourceLayout, String resample, String decode,
                            Map<String, Object> options, List<String> command) {
    }

    /**
     * An input that did not become a record.
     *
     * @param split the split it belonged to
     * @param key its key (path relative to the split's root)
     * @param reason a stable code, e.g. {@code truncated}, {@code too_many_pixels}
     * @param message the details
     */
    public record Skipped(String split, String key, String reason, String message) implements java.io.Serializable {
    }
}
