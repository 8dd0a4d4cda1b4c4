/** Option value types shared by the sub-commands: byte sizes, comma lists with {@code all}. */
package org.ring4j.cli.options;
