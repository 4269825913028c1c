/**
 * The dataset directory (format {@code lowres-dataset/1}): npy shards, keys, the manifest that commits a
 * build, checksums, and the readers and verifier of all of it.
 */
package dev.lowres.data.store;
