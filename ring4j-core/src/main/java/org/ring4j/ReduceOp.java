package org.ring4j;

/**
 * The reductions of an all-reduce. Each combines the local value {@code out} with a received value
 * {@code in} exactly as MLX's ring does, so results are bitwise equal to an MLX ring's:
 * <ul>
 *   <li>{@link #SUM}: {@code out + in}; integers wrap around, bool is logical or, float16/bfloat16
 *       add in float32 and round to nearest even.</li>
 *   <li>{@link #MAX}: {@code out < in ? in : out} (so a NaN already in {@code out} stays, a NaN
 *       arriving in {@code in} is dropped); unsigned types compare unsigned; complex64 compares
 *       (real, imag) lexicographically.</li>
 *   <li>{@link #MIN}: {@code in < out ? in : out}, with the same rules.</li>
 * </ul>
 */
public enum ReduceOp {
    SUM,
    MAX,
    MIN;

    /** @return the lower-case name used on command lines and in reports */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@code sum}, {@code max} or {@code min}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted labels otherwise
     */
    public static ReduceOp parse(String label) {
        String l = label == null ? "" : label.trim().toLowerCase(java.util.Locale.ROOT);
        for (ReduceOp op : values()) {
            if (op.label().equals(l)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown reduction '" + label + "'; use one of: sum, max, min");
    }
}
