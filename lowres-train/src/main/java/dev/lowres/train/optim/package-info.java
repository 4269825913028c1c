/**
 * The optimizer and weight averaging, with state that lowres owns (momentum buffers, the EMA) so that a
 * checkpoint holds all of it and a resumed run continues exactly; decay that can spare norms and biases.
 */
package dev.lowres.train.optim;
