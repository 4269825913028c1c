package dev.lowres.data.ingest;

/**
 * One input file of a split.
 *
 * @param key the file's path relative to the split's root, with '/' separators (stored in the keys file)
 * @param label the 0-based label in the dataset's class order
 */
public record SourceImage(String key, int label) implements java.io.Serializable {
}
