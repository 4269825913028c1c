/**
 * The {@code lowres} command line: one thin picocli command per verb that parses, validates, calls the
 * library, prints and returns a documented exit code; progress bars and shared options live here too.
 */
package dev.lowres.cli;
