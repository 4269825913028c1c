/**
 * The engine: libtorch 2.10 through JavaCPP ({@code org.bytedeco:pytorch}). Loading the natives, devices,
 * precision (autocast) and memory format, and moving data between Java arrays and tensors.
 */
package dev.lowres.train.engine;
