/**
 * Class indexes: classes identified by WordNet id, the sorted-wnid and ILSVRC2015 clsloc orders, and the
 * bundled ImageNet class list and validation ground truth of the published downsampled datasets.
 */
package dev.lowres.data.classes;
