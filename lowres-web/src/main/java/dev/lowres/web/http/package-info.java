/**
 * The HTTP layer over {@code com.sun.net.httpserver}: exact-path routing, query parameters and bounded bodies,
 * server-sent events, the security headers and checks every response shares, and {@link
 * dev.lowres.web.http.RootedFiles}, which keeps every path a request names under the served root.
 */
package dev.lowres.web.http;
