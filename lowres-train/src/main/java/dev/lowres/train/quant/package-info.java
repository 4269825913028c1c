/**
 * Quantization: post-training int8 of Wide ResNets on libtorch's own int8 CPU kernels (fbgemm / x86, reached
 * through the dispatcher), calibrated on training images ({@link dev.lowres.train.quant.PostTraining},
 * {@link dev.lowres.train.quant.Int8WideResNet}, {@link dev.lowres.train.quant.Calibration}). The quantized run's
 * on-disk record is {@link dev.lowres.train.run.Quantization}.
 */
package dev.lowres.train.quant;
