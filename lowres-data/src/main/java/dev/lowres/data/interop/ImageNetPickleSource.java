package dev.lowres.data.interop;

import dev.lowres.data.ingest.SourceException;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The published downsampled-ImageNet pickle batches: each file a pickled dict with {@code data} (uint8
 * (N, 3*S*S), planar RGB rows), {@code labels} (1-based clsloc labels, a list or an array) and an optional
 * {@code mean}. The plan reads every file once without its pixel payload (see
 * {@link NumpyPickle#loadDict}); {@link #read} loads one batch at a time.
 */
final class ImageNetPickleSource implements ArraySource {
    private final Path dir;
    private final ImageNetLabels labels;

    ImageNetPickleSource(Path dir, ImageNetLabels labels) {
        this.dir = dir;
        this.labels = labels;
    }

    @Override
    public SourcePlan plan() throws IOException, SourceException {
        List<SourcePlan.Split> splits = new ArrayList<>();
        long rowLength = -1;
        Path first = null;
        for (ImageNetBatchFiles.SourcePlanFiles split : ImageNetBatchFiles.find(dir, "",
                ImportFormat.IMAGENET32_PICKLE)) {
            List<SourcePlan.SourceFile> files = new ArrayList<>();
            for (Path file : split.files()) {
                Map<String, Object> dict = NumpyPickle.loadDict(file, true);
                NumpyPickle.NdArray data = data(dict, file);
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
                long labelCount = NumpyPickle.labelCount(dict.get("labels"), file);
                if (labelCount != rows) {
                    throw new SourceException(file + ": " + labelCount + " labels for " + rows + " rows of data");
                }
                files.add(new SourcePlan.SourceFile(file, null, rows));
            }
            splits.add(new SourcePlan.Split(split.split(), files));
        }
        int s = ImageNetBatchFiles.side(rowLength, first);
        Map<String, Object> options = new LinkedHashMap<>();
        return new SourcePlan(new Manifest.ImageShape(s, s, 3), labels.classes(), labels.order().id(),
                splits, options);
    }

    @Override
    public void read(SourcePlan.SourceFile file, RecordSink sink) throws IOException, SourceException {
        Path path = file.path();
        Map<String, Object> dict = NumpyPickle.loadDict(path, false);
        NumpyPickle.NdArray data = data(dict, path);
        long rows = data.shape()[0];
        long row = ImageNetBatchFiles.rowLength(data.shape(), path);
        if (rows != file.count()) {
            throw new SourceException(path + " changed while it was read: " + rows + " rows, " + file.count()
                    + " before");
        }
        if (data.dataLength() != rows * row) {
            throw new SourceException(path + ": data hold " + data.dataLength() + " bytes, their shape "
                    + rows + "x" + row + " needs " + rows * row);
        }
        long[] clsloc = NumpyPickle.labels(dict.get("labels"), path);
        if (clsloc.length != rows) {
            throw new SourceException(path + ": " + clsloc.length + " labels for " + rows + " rows of data");
        }
        int[] mapped = new int[clsloc.length];
        for (int i = 0; i < clsloc.length; i++) {
            mapped[i] = labels.index(clsloc[i], path.toString(), i);
        }
        byte[] pixels = data.data();
        String name = file.name();
        for (int i = 0; i < rows; i++) {
            sink.accept(pixels, (int) (i * row), mapped[i], name + "#" + i);
        }
    }

    private static NumpyPickle.NdArray data(Map<String, Object> dict, Path file) throws SourceException {
        Object data = dict.get("data");
        if (data == null) {
            throw new SourceException(file + " has no 'data' array; keys: " + dict.keySet());
        }
        if (!(data instanceof NumpyPickle.NdArray a)) {
            throw new SourceException(file + ": 'data' is a " + NumpyPickle.typeName(data) + ", not a numpy array");
        }
        if (a.dtype().kind() != 'u' || a.dtype().itemSize() != 1) {
            throw new SourceException(file + ": 'data' has dtype " + a.dtype() + "; expected uint8");
        }
        if (a.fortranOrder() && a.shape().length > 1) {
            throw new SourceException(file + ": 'data' is in Fortran order; expected C order rows");
        }
        if (a.shape().length == 0) {
            throw new SourceException(file + ": 'data' is a scalar; expected (N, 3*S*S)");
        }
        return a;
    }
}
