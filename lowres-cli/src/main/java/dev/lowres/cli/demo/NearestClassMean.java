package dev.lowres.cli.demo;

import dev.lowres.data.store.Dataset;
import dev.lowres.data.store.DatasetException;
import dev.lowres.data.store.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The simplest trained classifier: the mean image of each class over a training split, and a prediction by
 * the nearest mean (squared distance on raw pixels). It is the demo's baseline until the training stage
 * brings the paper's networks; its accuracy tells whether the classes are learnable at all.
 */
public final class NearestClassMean {
    /**
     * Accuracy of the classifier.
     *
     * @param correct validation records predicted right
     * @param total validation records
     * @param classes number of classes (chance is 1/classes)
     */
    public record Accuracy(long correct, long total, int classes) {
        public double top1() {
            return total == 0 ? 0 : (double) correct / total;
        }

        public double chance() {
            return 1.0 / classes;
        }
    }

    private NearestClassMean() {
    }

    /** Fits on {@code trainSplit} and evaluates on {@code evalSplit} of one dataset. */
    public static Accuracy evaluate(Dataset dataset, String trainSplit, String evalSplit)
            throws IOException, DatasetException {
        Manifest m = dataset.manifest();
        int classes = m.classes().size();
        int per = m.image().bytesPerImage();
        double[][] means = new double[classes][per];
        long[] counts = new long[classes];
        for (Manifest.Shard shard : dataset.split(trainSplit).shards()) {
            ByteBuffer images = dataset.mapImages(shard);
            short[] labels = dataset.labels(shard);
            for (int i = 0; i < labels.length; i++) {
                double[] mean = means[labels[i]];
                for (int j = 0; j < per; j++) {
                    mean[j] += images.get(i * per + j) & 0xFF;
                }
                counts[labels[i]]++;
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < per; j++) {
                means[c][j] = counts[c] == 0 ? Double.NaN : means[c][j] / counts[c];
            }
        }
        long correct = 0;
        long total = 0;
        for (Manifest.Shard shard : dataset.split(evalSplit).shards()) {
            ByteBuffer images = dataset.mapImages(shard);
            short[] labels = dataset.labels(shard);
            for (int i = 0; i < labels.length; i++) {
                int best = -1;
                double bestDistance = Double.POSITIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    if (counts[c] == 0) {
                        continue;
                    }
                    double d = 0;
                    for (int j = 0; j < per; j++) {
                        double diff = (images.get(i * per + j) & 0xFF) - means[c][j];
                        d += diff * diff;
                    }
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = c;
                    }
                }
                if (best == labels[i]) {
                    correct++;
                }
                total++;
            }
        }
        return new Accuracy(correct, total, classes);
    }
}
