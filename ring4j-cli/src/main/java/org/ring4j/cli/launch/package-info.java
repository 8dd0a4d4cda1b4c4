/**
 * {@code ring4j launch}: starts the ranks of a program on this machine or, over ssh, on others
 * (accepting {@code mlx.launch}'s hostfile form), prefixes their output, forwards standard input,
 * and stops every rank when one fails or the launcher is stopped.
 */
package org.ring4j.cli.launch;
