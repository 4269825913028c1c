package dev.lowres.data.classes;

/**
 * One class of a dataset.
 *
 * @param index the 0-based label stored in the dataset's label files
 * @param wnid the class identifier: a WordNet id for ImageNet, the class name for datasets without one
 * @param name a human-readable name
 */
public record ClassEntry(int index, String wnid, String name) {
}
