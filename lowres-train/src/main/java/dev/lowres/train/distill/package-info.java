/**
 * Knowledge distillation: a trained network (the {@link dev.lowres.train.distill.Teacher}) whose outputs on each
 * training batch the network being trained also learns, and the losses that mix them with the labels
 * ({@link dev.lowres.train.distill.Distillation}). A distilled run is an ordinary run, so it can teach in turn
 * (teacher-assistant chains, Mirzadeh et al. 2020).
 */
package dev.lowres.train.distill;
