package org.ring4j.cli.options;

import java.util.Locale;

/**
 * Byte counts as people write them: {@code 8}, {@code 64K}, {@code 32M}, {@code 1G} (binary
 * multiples, so {@code 1K} = 1024; {@code KiB}, {@code KB} and a trailing {@code B} are accepted
 * too), and back again for tables ({@code 32 MiB}).
 */
public final class ByteSize {
    private ByteSize() {
    }

    /**
     * Parses a byte count.
     *
     * @param text e.g. {@code 8}, {@code 64K}, {@code 32MiB}, {@code 1g}
     * @return the number of bytes, at least 0
     * @throws IllegalArgumentException saying what is accepted, when {@code text} is not a size or overflows
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size; write e.g. 8, 64K, 32M or 1G");
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.length() > 1 && t.endsWith("B") && Character.isLetter(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K': shift = 10; break;
                case 'M': shift = 20; break;
                case 'G': shift = 30; break;
                case 'T': shift = 40; break;
                default: break;
            }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        long value;
        try {
            value = Long.parseLong(digits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 8, 64K, 32M or 1G");
        }
        if (value < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative; sizes are 0 or more bytes");
        }
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return value << shift;
    }

    /**
     * Formats a byte count compactly for tables and titles: {@code 512 B}, {@code 64 KiB},
     * {@code 1.5 MiB}, {@code 1 GiB}.
     */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (v == Math.rint(v)) {
            return (long) v + " " + units[u];
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
