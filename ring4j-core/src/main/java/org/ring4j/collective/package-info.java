/**
 * The collectives: all-reduce, all-gather and send/recv, each run as {@link
 * org.ring4j.collective.ExchangeTask}s (pipelined send/receive/reduce state machines) over the
 * transport's connections, following the plans of {@code org.ring4j.protocol}; and
 * {@link org.ring4j.collective.RingGroup}, the {@link org.ring4j.Group} that ties them together.
 * Uses the API, config, protocol, transport and kernel packages.
 */
package org.ring4j.collective;
