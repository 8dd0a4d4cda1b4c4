/**
 * Moving bytes: the ring's TCP connections, their set-up (bind, accept, connect with MLX's
 * retries, and the native handshake), and the progress loop that drives non-blocking sockets from
 * the calling thread, spinning for a bounded time before it parks in a selector. Knows nothing of
 * collectives: it runs {@link org.ring4j.transport.IoTask}s. Uses {@code java.*} and the
 * {@code org.ring4j} API types.
 */
package org.ring4j.transport;
