/**
 * The layers networks are made of, over libtorch's functional operations: named parameters with the papers'
 * initialisations (drawn from the seed and the parameter's name, not from a global generator), convolution,
 * normalisation, linear, activation and composite layers.
 */
package dev.lowres.train.nn;
