/**
 * The {@code ring4j} command line: {@link org.ring4j.cli.Main} and its sub-commands in
 * {@code bench} (the nccl-tests-style benchmark), {@code launch} (starting ranks locally or over
 * ssh) and {@code hostfile} (writing hostfiles).
 */
package org.ring4j.cli;
