/**
 * {@code lowres preview}: contact sheets of records before and after augmentation, drawn from what the
 * loader delivers (nothing is re-implemented here), so that people can check augmentations by looking.
 */
package dev.lowres.data.preview;
