/**
 * Training throughput measured the way {@code lowres bench train} reports it: optimizer steps on random
 * batches, and the share of step time spent outside PyTorch's native kernels.
 */
package dev.lowres.train.bench;
