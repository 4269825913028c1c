/**
 * The pages: one class per kind of thing (index, dataset, run, evaluation), each registering its routes and
 * rendering a template with a record of what it shows; {@link dev.lowres.web.pages.TagStore} owns the one file
 * the workbench writes, {@code tags.json}.
 */
package dev.lowres.web.pages;
