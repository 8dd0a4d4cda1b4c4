/** {@code ring4j hostfile}: writes checked hostfiles. */
package org.ring4j.cli.hostfile;
