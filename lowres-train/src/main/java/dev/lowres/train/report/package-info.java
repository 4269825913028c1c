/**
 * The HTML reports of {@code lowres eval} and {@code lowres compare}: self-contained pages (inline CSS, inline
 * SVG charts, images as data URIs) built from {@code metrics.json} files, with a small SVG chart builder.
 */
package dev.lowres.train.report;
