/**
 * {@code lowres demo}: the whole pipeline that exists so far on the synthetic default, a baseline classifier
 * and the self-contained HTML report it ends with.
 */
package dev.lowres.cli.demo;
