/**
 * Data-parallel training across processes on PyTorch's own distributed engine, c10d, through the JavaCPP preset:
 * how a process learns its place in a group ({@link dev.lowres.train.dist.World}: torchrun's environment
 * variables, or a {@code file://} rendezvous), the group itself ({@link dev.lowres.train.dist.Group}: Gloo over
 * a TCP or file store), and the collectives training needs (broadcast of the weights, bucketed all-reduce of the
 * gradients, the agreement on a step's loss and on stopping).
 *
 * <p>Nothing here is a home-made protocol: the stores and the Gloo process group are libtorch's, the same that
 * {@code torch.distributed} runs.
 */
package dev.lowres.train.dist;
