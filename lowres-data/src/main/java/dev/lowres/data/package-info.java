/**
 * The data side of lowres: ingest (decode, resample, sources, builder), store (the dataset format) and,
 * later, load. Sub-packages hold one concern each.
 */
package dev.lowres.data;
