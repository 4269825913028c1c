package dev.lowres.train.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Top-1 / top-5 accuracy, per-class accuracy and the confusion matrix of one evaluation.
 *
 * <p>Top-5 is "the true label among the five highest scores" (Russakovsky et al. 2015, "ImageNet Large
 * Scale Visual Recognition Challenge"); with fewer than five classes, among all of them. The mean per-class
 * accuracy averages the accuracies of the classes that have at least one record, so it equals top-1 on a
 * balanced split and shows the weak classes on an unbalanced one.
 *
 * @param records records added
 * @param top1Correct records whose top-1 prediction is the label
 * @param top5Correct records whose label is among the top five
 * @param top1 {@code top1Correct / records} (NaN without records)
 * @param top5 {@code top5Correct / records} (NaN without records)
 * @param meanPerClass mean of {@link ClassAccuracy#accuracy()} over classes with records (NaN if none)
 * @param perClass one entry per class, in class order
 * @param confusion the top-1 confusion matrix
 */
public record AccuracyResult(long records, long top1Correct, long top5Correct, double top1, double top5,
                             double meanPerClass, List<ClassAccuracy> perClass, ConfusionMatrix confusion) {
    /** Makes the per-class list unmodifiable. */
    public AccuracyResult {
        perClass = List.copyOf(perClass);
    }

    /** The number of classes. */
    public int classes() {
        return perClass.size();
    }

    /**
     * The {@code n} most frequent confusions: off-diagonal cells with a count above zero, by count
     * descending, then true class, then predicted class ascending.
     *
     * @param n at most this many (fewer when fewer cells are non-zero)
     */
    public List<ConfusedPair> mostConfused(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        Comparator<ConfusedPair> order = Comparator.comparingLong(ConfusedPair::count).reversed()
                .thenComparingInt(ConfusedPair::trueClass)
                .thenComparingInt(ConfusedPair::predictedClass);
        // keep the n best in a heap whose head is the worst of them
        PriorityQueue<ConfusedPair> best = new PriorityQueue<>(order.reversed());
        int classes = confusion.classes();
        for (int t = 0; t < classes && n > 0; t++) {
            long total = perClass.get(t).count();
            for (int p = 0; p < classes; p++) {
                long c = confusion.count(t, p);
                if (p == t || c == 0) {
                    continue;
                }
                ConfusedPair pair = new ConfusedPair(t, p, c, (double) c / total);
                if (best.size() < n) {
                    best.add(pair);
                } else if (order.compare(pair, best.peek()) < 0) {
                    best.poll();
                    best.add(pair);
                }
            }
        }
        List<ConfusedPair> list = new ArrayList<>(best);
        list.sort(order);
        return List.copyOf(list);
    }
}
