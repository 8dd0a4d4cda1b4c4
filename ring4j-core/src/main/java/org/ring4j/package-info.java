/**
 * ring4j's public API: {@link org.ring4j.Ring} (entry point), {@link org.ring4j.Group} (rank, size,
 * collectives), {@link org.ring4j.DType}, {@link org.ring4j.ReduceOp}, {@link org.ring4j.Protocol},
 * {@link org.ring4j.RingOptions} and the exceptions. Everything a user needs is here; the
 * sub-packages are the implementation, layered as config, protocol, transport, kernel, collective.
 */
package org.ring4j;
