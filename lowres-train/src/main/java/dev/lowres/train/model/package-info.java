/**
 * Networks as layers over libtorch (declared parameters, a forward pass), each with its parameter and multiply-accumulate counts, and the registry that
 * names them ({@code wrn-28-2}, {@code preact-resnet-18}, ...); unknown names fail with the valid ones.
 */
package dev.lowres.train.model;
