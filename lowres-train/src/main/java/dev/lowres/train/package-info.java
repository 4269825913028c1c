/**
 * The train stage of lowres: models on DJL's PyTorch engine, recipes, the training loop, checkpoints.
 */
package dev.lowres.train;
