/**
 * Quantization: post-training int8 of Wide ResNets on libtorch's own int8 CPU kernels (fbgemm / x86, reached through
 * the dispatcher: {@link dev.lowres.train.quant.QuantizedOps}), calibrated on training images
 * ({@link dev.lowres.train.quant.Int8WideResNet}, {@link dev.lowres.train.quant.Calibration}).
 */
package dev.lowres.train.quant;
