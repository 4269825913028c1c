/**
 * What the served root holds: {@link dev.lowres.web.catalog.Catalog} finds datasets, runs and evaluations by
 * their marker files; {@link dev.lowres.web.catalog.DatasetIndex} keeps one dataset's records by class so that
 * pages read only what they show.
 */
package dev.lowres.web.catalog;
