/**
 * Synthetic ImageNet: writes a small, seeded ILSVRC-style JPEG tree of real wnids whose classes are
 * drawn shapes, colours and textures, with ImageNet's odd files, for the demo and for tests.
 */
package dev.lowres.data.synth;
