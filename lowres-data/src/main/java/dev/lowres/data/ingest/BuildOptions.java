package dev.lowres.data.ingest;

import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.image.ImageHeader;
import dev.lowres.data.image.ResampleFilter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything that shapes a build. Defaults reproduce the published datasets: BOX filter, exact decode,
 * sorted-wnid classes, PIL's pixel limit. Build one with {@link #builder()}.
 */
public final class BuildOptions {
    /** Records per shard unless set. */
    public static final int DEFAULT_SHARD_SIZE = 10_000;

    private final Path input;
    private final Path output;
    private final List<Integer> sizes;
    private final ResampleFilter filter;
    private final boolean fast;
    private final int threads;
    private final int shardSize;
    private final long maxPixels;
    private final boolean overwrite;
    private final ScanOptions scan;
    private final List<String> command;

    private BuildOptions(Builder b) {
        this.input = b.input;
        this.output = b.output;
        this.sizes = List.copyOf(b.sizes);
        this.filter = b.filter;
        this.fast = b.fast;
        this.threads = b.threads;
        this.shardSize = b.shardSize;
        this.maxPixels = b.maxPixels;
        this.overwrite = b.overwrite;
        this.scan = new ScanOptions(b.classOrder, b.everyNthClass, b.maxPerClass, b.valLabels, b.splitName,
                b.layout);
        this.command = List.copyOf(b.command);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path input() {
        return input;
    }

    public Path output() {
        return output;
    }

    /** Output sizes in pixels (square images); with several, one dataset per size under the output. */
    public List<Integer> sizes() {
        return sizes;
    }

    public ResampleFilter filter() {
        return filter;
    }

    /** Whether JPEGs are decoded at reduced scale in the DCT domain (not identical to the reference). */
    public boolean fast() {
        return fast;
    }

    public int threads() {
        return threads;
    }

    public int shardSize() {
        return shardSize;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public boolean overwrite() {
        return overwrite;
    }

    public ScanOptions scan() {
        return scan;
    }

    public List<String> command() {
        return command;
    }

    /** Where the dataset of one size goes: the output itself, or {@code <output>/<S>x<S>} with several sizes. */
    public Path datasetDir(int size) {
        return sizes.size() == 1 ? output : output.resolve(size + "x" + size);
    }

    /** Builder; {@code input}, {@code output} and {@code sizes} are required. */
    public static final class Builder {
        private Path input;
        private Path output;
        private List<Integer> sizes = List.of();
        private ResampleFilter filter = ResampleFilter.BOX;
        private boolean fast;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int shardSize = DEFAULT_SHARD_SIZE;
        private long maxPixels = ImageHeader.PIL_PIXEL_LIMIT;
        private boolean overwrite;
        private ClassOrder classOrder = ClassOrder.SORTED;
        private int everyNthClass = 1;
        private int maxPerClass;
        private Path valLabels;
        private String splitName;
        private TreeLayout layout = TreeLayout.AUTO;
        private List<String> command = List.of();

        public Builder input(Path input) {
            this.input = input;
            return this;
        }

        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        public Builder sizes(List<Integer> sizes) {
            this.sizes = sizes;
            return this;
        }

        public Builder filter(ResampleFilter filter) {
            this.filter = filter;
            return this;
        }

        public Builder fast(boolean fast) {
            this.fast = fast;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder shardSize(int shardSize) {
            this.shardSize = shardSize;
            return this;
        }

        public Builder maxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        public Builder classOrder(ClassOrder classOrder) {
            this.classOrder = classOrder;
            return this;
        }

        public Builder everyNthClass(int everyNthClass) {
            this.everyNthClass = everyNthClass;
            return this;
        }

        public Builder maxPerClass(int maxPerClass) {
            this.maxPerClass = maxPerClass;
            return this;
        }

        public Builder valLabels(Path valLabels) {
            this.valLabels = valLabels;
            return this;
        }

        public Builder splitName(String splitName) {
            this.splitName = splitName;
            return this;
        }

        /** How class folders name their classes; {@link TreeLayout#AUTO} unless set. */
        public Builder layout(TreeLayout layout) {
            this.layout = layout;
            return this;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        /** Checks the options and builds them; messages name the command-line option at fault. */
        public BuildOptions build() {
            Objects.requireNonNull(input, "--input is required");
            Objects.requireNonNull(output, "--output is required");
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("--size needs at least one size");
            }
            if (sizes.stream().distinct().count() != sizes.size()) {
                throw new IllegalArgumentException("--size lists a size twice: " + sizes);
            }
            for (int s : sizes) {
                if (s < 1 || s > 4096) {
                    throw new IllegalArgumentException("--size must be between 1 and 4096: " + s);
                }
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1: " + threads);
            }
            if (shardSize < 1) {
                throw new IllegalArgumentException("--shard-size must be at least 1: " + shardSize);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("--max-pixels must be positive: " + maxPixels);
            }
            Objects.requireNonNull(layout, "--layout is required");
            if (layout == TreeLayout.IMAGENETV2 && everyNthClass > 1) {
                throw new IllegalArgumentException("--every-nth-class does not apply to --layout imagenetv2: "
                        + "its labels are fixed by the folder numbers");
            }
            if (splitName != null && !splitName.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("--split must be letters, digits or '_': " + splitName);
            }
            return new BuildOptions(this);
        }
    }
}
