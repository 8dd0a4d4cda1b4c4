/**
 * Configuration: the JSON hostfile (MLX's format) and its addresses, parsed with jackson-jr and
 * checked with errors that name the file, the rank, the entry and what to change. Uses
 * {@code java.*}, jackson-jr and the {@code org.ring4j} API types.
 */
package org.ring4j.config;
