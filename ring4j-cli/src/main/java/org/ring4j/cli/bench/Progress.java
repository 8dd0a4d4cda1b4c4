package org.ring4j.cli.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.ring4j.cli.options.ByteSize;

/**
 * Shows a long run's progress: on a terminal, one live line per size that is rewritten as the
 * iterations go by (at most 10 times a second) and then replaced by the size's row; when the
 * output is piped or a file, nothing but the rows.
 */
interface Progress {
    /** Reports that {@code done} of {@code total} iterations of a size ran. */
    void iteration(String label, long bytes, int done, int total);

    /** Clears the live line, if any, before a row is printed. */
    void clear();

    /** No progress output (ranks other than 0, piped output, JSON). */
    Progress NONE = new Progress() {
        @Override
        public void iteration(String label, long bytes, int done, int total) {
        }

        @Override
        public void clear() {
        }
    };

    /** A live line on {@code out}, which must be a terminal. */
    static Progress live(PrintStream out) {
        return new Progress() {
            private long lastNanos;
            private boolean shown;

            @Override
            public void iteration(String label, long bytes, int done, int total) {
                long now = System.nanoTime();
                if (done < total && now - lastNanos < 100_000_000L) {
                    return;
                }
                lastNanos = now;
                out.print(String.format(Locale.ROOT, "\r\033[K# %s %s: iteration %d/%d", label, ByteSize.format(bytes),
                        done, total));
                out.flush();
                shown = true;
            }

            @Override
            public void clear() {
                if (shown) {
                    out.print("\r\033[K");
                    shown = false;
                }
            }
        };
    }
}
