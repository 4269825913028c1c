/**
 * {@code lowres serve}, the web workbench: a small self-hosted web application over a folder of dataset
 * directories, run directories and evaluations. {@link dev.lowres.web.Serve} is the command,
 * {@link dev.lowres.web.Workbench} wires the JDK's HTTP server to the pages; {@code http} routes, confines paths
 * to the root and answers errors; {@code catalog} finds what the root holds and indexes datasets; {@code pages}
 * renders the jte templates of {@code src/main/jte}.
 */
package dev.lowres.web;
