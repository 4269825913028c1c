/**
 * The load stage: seeded, memory-mapped, multi-threaded batches of a dataset split, with the augmentations
 * of the ImageNet papers; every random choice derives from (seed, epoch, sample index).
 */
package dev.lowres.data.load;
