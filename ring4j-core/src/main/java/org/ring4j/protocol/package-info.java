/**
 * The ring protocol as pure arithmetic, with no I/O: which rank connects first, how an all-reduce
 * is split into sub-reduces, segments and packets, how an all-gather and a send are split over
 * connections, and which connection carries each ring direction. In the MLX protocol all of it is
 * exactly MLX's ring (see {@code docs/wire-protocol.md}). The native protocol departs from it only
 * where a method or constant says so: small all-reduces gather the inputs
 * ({@link org.ring4j.protocol.AllReducePlan#gathersInputs}), data is split over both directions
 * from a smaller size ({@link org.ring4j.protocol.AllReducePlan#NATIVE_MIN_SEND_SIZE}), and two
 * ranks carry each direction on one connection ({@link org.ring4j.protocol.DirectionWiring}).
 * Everything is unit-tested against hand-worked cases without a socket. Depends only on the
 * JDK and the API types ({@code DType}, {@code ReduceOp}; {@code OpHeader} writes into a
 * {@code ByteBuffer}).
 */
package org.ring4j.protocol;
