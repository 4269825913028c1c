package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import dev.lowres.data.store.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The downsampled-ImageNet batches as {@code .npz} (numpy's {@code savez} or {@code savez_compressed}):
 * {@code data.npy} (uint8 (N, 3*S*S)), {@code labels.npy} (1-based clsloc labels, any integer type) and an
 * optional {@code mean.npy}. The plan reads the two headers of every file; {@link #read} streams the data
 * entry in chunks of rows, holding only the labels of one batch whole.
 */
final class ImageNetNpzSource implements ArraySource {
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path dir;
    private final ImageNetLabels labels;

    ImageNetNpzSource(Path dir, ImageNetLabels labels) {
        this.dir = dir;
        this.labels = labels;
    }

    @Override
    public SourcePlan plan() throws IOException, SourceException {
        List<SourcePlan.Split> splits = new ArrayList<>();
        long rowLength = -1;
        Path first = null;
        for (ImageNetBatchFiles.SourcePlanFiles split : ImageNetBatchFiles.find(dir, ".npz",
                ImportFormat.IMAGENET32_NPZ)) {
            List<SourcePlan.SourceFile> files = new ArrayList<>();
            for (Path file : split.files()) {
                try (NpzFile npz = NpzFile.open(file)) {
                    Npy.Header data = dataHeader(npz);
                    long row = ImageNetBatchFiles.rowLength(data.shape(), file);
                    if (rowLength < 0) {
                        ImageNetBatchFiles.side(row, file);
                        rowLength = row;
                        first = file;
                    } else if (row != rowLength) {
                        throw new SourceException(file + ": rows of " + row + " bytes, but " + first.getFileName()
                                + " has rows of " + rowLength);
                    }
                    long rows = data.shape()[0];
                    Npy.Header labelHeader = npz.header("labels");
                    if (labelHeader.count() != rows) {
                        throw new SourceException(file + ": " + labelHeader.count() + " labels for " + rows
                                + " rows of data");
                    }
                    files.add(new SourcePlan.SourceFile(file, null, rows));
                }
            }
            splits.add(new SourcePlan.Split(split.split(), files));
        }
        int s = ImageNetBatchFiles.side(rowLength, first);
        return new SourcePlan(new Manifest.ImageShape(s, s, 3), labels.classes(), labels.order().id(), splits,
                new LinkedHashMap<>());
    }

    @Override
    public void read(SourcePlan.SourceFile file, RecordSink sink) throws IOException, SourceException {
        Path path = file.path();
        String name = file.name();
        try (NpzFile npz = NpzFile.open(path)) {
            long[] clsloc;
            try (NpzFile.Array a = npz.open("labels")) {
                clsloc = NpzFile.readIntegers(a);
            }
            int[] mapped = new int[clsloc.length];
            for (int i = 0; i < clsloc.length; i++) {
                mapped[i] = labels.index(clsloc[i], path.toString(), i);
            }
            try (NpzFile.Array a = npz.open("data")) {
                Npy.Header h = checkData(a.header(), a.what());
                long rows = h.shape()[0];
                int row = (int) ImageNetBatchFiles.rowLength(h.shape(), path);
                if (rows != file.count() || rows != clsloc.length) {
                    throw new SourceException(path + ": " + clsloc.length + " labels for " + rows
                            + " rows of data (" + file.count() + " when first read)");
                }
                int chunkRows = Math.max(1, CHUNK_BYTES / row);
                byte[] chunk = new byte[(int) Math.min(rows, chunkRows) * row];
                for (long done = 0; done < rows; ) {
                    int n = (int) Math.min(chunkRows, rows - done);
                    int got = a.in().readNBytes(chunk, 0, n * row);
                    if (got < n * row) {
                        throw new SourceException(a.what() + " is truncated: it ends in row " + (done + got / row)
                                + " of " + rows);
                    }
                    for (int i = 0; i < n; i++) {
                        long r = done + i;
                        sink.accept(chunk, i * row, mapped[(int) r], name + "#" + r);
                    }
                    done += n;
                }
            }
        }
    }

    private static Npy.Header dataHeader(NpzFile npz) throws IOException, SourceException {
        try (NpzFile.Array a = npz.open("data")) {
            return checkData(a.header(), a.what());
        }
    }

    private static Npy.Header checkData(Npy.Header h, String what) throws SourceException {
        if (!h.descr().endsWith("u1")) {
            throw new SourceException(what + ": dtype " + h.descr() + "; expected uint8 pixels");
        }
        if (h.fortranOrder() && h.shape().length > 1) {
            throw new SourceException(what + " is in Fortran order; expected C order rows");
        }
        if (h.shape().length == 0) {
            throw new SourceException(what + ": shape " + Arrays.toString(h.shape()) + "; expected (N, 3*S*S)");
        }
        return h;
    }
}
