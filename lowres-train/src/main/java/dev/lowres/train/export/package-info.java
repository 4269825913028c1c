/**
 * The safetensors format: checkpoints and exported weights that PyTorch (and numpy) read without lowres.
 */
package dev.lowres.train.export;
