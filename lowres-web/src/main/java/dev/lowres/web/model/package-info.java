/**
 * Trained networks held by the workbench for explanations and predictions: loaded on first use from a run
 * directory under the root, in fp32 on the CPU, a few at a time, each used by one request at a time and closed
 * (its native memory freed) when it leaves the cache or the server stops.
 */
package dev.lowres.web.model;
