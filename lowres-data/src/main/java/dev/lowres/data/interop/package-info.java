/**
 * Interoperability with files other tools publish: importers from the downsampled-ImageNet pickle and npz
 * batches, CIFAR-10/100 binary and IDX (MNIST) files into a dataset directory, and the npz exporter.
 */
package dev.lowres.data.interop;
