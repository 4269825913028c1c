package dev.lowres.train.eval;

import dev.lowres.data.classes.ClassEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a dataset's labels onto a network's outputs by WordNet id, never by number: a shifted test set or a
 * dataset built in another class order is scored against the right outputs, and a dataset holding classes
 * the network never learned is refused with their names.
 */
public final class ClassMapping {
    private final int[] toModel;

    private ClassMapping(int[] toModel) {
        this.toModel = toModel;
    }

    /**
     * @param dataset the dataset's classes, in label order
     * @param counts records per dataset class (a class without records need not be known to the model), or null
     * @param model the network's classes, in output order
     */
    public static ClassMapping of(List<ClassEntry> dataset, long[] counts, List<ClassEntry> model) {
        Map<String, Integer> output = new HashMap<>();
        for (int i = 0; i < model.size(); i++) {
            output.put(model.get(i).wnid(), i);
        }
        int[] map = new int[dataset.size()];
        List<String> unknown = new ArrayList<>();
        long unknownRecords = 0;
        for (int i = 0; i < dataset.size(); i++) {
            Integer o = output.get(dataset.get(i).wnid());
            map[i] = o == null ? -1 : o;
            if (o == null && (counts == null || counts[i] > 0)) {
                unknown.add(dataset.get(i).wnid() + " '" + dataset.get(i).name() + "'");
                unknownRecords += counts == null ? 0 : counts[i];
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the dataset's classes differ from the model's (matched by wnid): "
                    + unknown.size() + " of its " + dataset.size() + " classes" + (counts == null ? "" : " ("
                    + unknownRecords + " records)") + " are not among the model's " + model.size() + " outputs, e.g. "
                    + String.join(", ", unknown.subList(0, Math.min(5, unknown.size()))));
        }
        return new ClassMapping(map);
    }

    /** The network output of a dataset label. */
    public int toModel(int datasetLabel) {
        int m = toModel[datasetLabel];
        if (m < 0) {
            throw new IllegalStateException("dataset class " + datasetLabel + " has no model output");
        }
        return m;
    }

    /** True when every dataset label is the same model output. */
    public boolean identity() {
        for (int i = 0; i < toModel.length; i++) {
            if (toModel[i] != i) {
                return false;
            }
        }
        return true;
    }
}
