/**
 * The ring protocol as pure arithmetic, with no I/O: which rank connects first, how an all-reduce
 * is split into sub-reduces, segments and packets, how an all-gather and a send are split over
 * connections. Everything here is exactly MLX's ring (see {@code docs/wire-protocol.md}); it is
 * unit-tested against hand-worked cases without a socket. Uses only {@code java.lang}.
 */
package org.ring4j.protocol;
