/**
 * The train stage of lowres: the engine (libtorch through JavaCPP), models, recipes, the training loop, the run directory.
 */
package dev.lowres.train;
