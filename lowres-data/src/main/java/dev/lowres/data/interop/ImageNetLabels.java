package dev.lowres.data.interop;

import dev.lowres.data.classes.ClassEntry;
import dev.lowres.data.classes.ClassOrder;
import dev.lowres.data.classes.ImageNetClasses;
import dev.lowres.data.ingest.SourceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The 1000 ILSVRC classes in a {@link ClassOrder}, and the map from the published files' 1-based clsloc
 * labels to that order, made by wnid.
 */
final class ImageNetLabels {
    private final ClassOrder order;
    private final List<ClassEntry> classes;
    private final int[] indexOfClsloc; // [clsloc label] -> 0-based index in the order; slot 0 unused

    private ImageNetLabels(ClassOrder order, List<ClassEntry> classes, int[] indexOfClsloc) {
        this.order = order;
        this.classes = classes;
        this.indexOfClsloc = indexOfClsloc;
    }

    static ImageNetLabels of(ClassOrder order) {
        ImageNetClasses imagenet = ImageNetClasses.get();
        List<String> wnids = new ArrayList<>(imagenet.wnidsInClslocOrder());
        if (order == ClassOrder.SORTED) {
            wnids.sort(Comparator.naturalOrder());
        }
        List<ClassEntry> classes = new ArrayList<>();
        int[] index = new int[imagenet.size() + 1];
        for (int i = 0; i < wnids.size(); i++) {
            String wnid = wnids.get(i);
            classes.add(new ClassEntry(i, wnid, imagenet.name(wnid).orElse(wnid)));
            index[imagenet.clslocLabel(wnid).orElseThrow()] = i;
        }
        return new ImageNetLabels(order, List.copyOf(classes), index);
    }

    ClassOrder order() {
        return order;
    }

    List<ClassEntry> classes() {
        return classes;
    }

    /**
     * The 0-based index in this order of a 1-based clsloc label.
     *
     * @throws SourceException when the label is outside 1..1000, naming the file and the row
     */
    int index(long clsloc, String file, long row) throws SourceException {
        if (clsloc < 1 || clsloc >= indexOfClsloc.length) {
            throw new SourceException(file + ": label " + clsloc + " at row " + row + " is outside 1.."
                    + (indexOfClsloc.length - 1) + " (the published files use 1-based clsloc labels)");
        }
        return indexOfClsloc[(int) clsloc];
    }
}
