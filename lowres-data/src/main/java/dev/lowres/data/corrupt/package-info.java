/**
 * The common corruptions of Hendrycks &amp; Dietterich (ICLR 2019, "Benchmarking Neural Network Robustness to
 * Common Corruptions and Perturbations"), computed on the fly on one planar uint8 image at a time at
 * severities 1..5, with the CIFAR-10-C and Tiny-ImageNet-C / ImageNet-64x64-C parameter tables and derived,
 * thread-independent randomness.
 */
package dev.lowres.data.corrupt;
