package org.ring4j;

/**
 * The element types ring4j reduces and moves, the same set as MLX's ring backend.
 *
 * <p>Every type is laid out little-endian in a {@link java.nio.ByteBuffer}. {@link #BOOL} is one byte
 * per element (0 or 1); {@link #FLOAT16} is IEEE 754 binary16; {@link #BFLOAT16} is the upper half of
 * a float32; {@link #COMPLEX64} is two float32 values, real part first.
 */
public enum DType {
    BOOL(1, false),
    INT8(1, false),
    INT16(2, false),
    INT32(4, false),
    INT64(8, false),
    UINT8(1, false),
    UINT16(2, false),
    UINT32(4, false),
    UINT64(8, false),
    FLOAT16(2, true),
    BFLOAT16(2, true),
    FLOAT32(4, true),
    FLOAT64(8, true),
    COMPLEX64(8, true);

    private final int size;
    private final boolean floatingPoint;

    DType(int size, boolean floatingPoint) {
        this.size = size;
        this.floatingPoint = floatingPoint;
    }

    /** @return the size of one element in bytes */
    public int size() {
        return size;
    }

    /** @return true for the floating-point types (float16, bfloat16, float32, float64, complex64) */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** @return true for the unsigned integer types, which compare unsigned in max and min */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** @return the lower-case name users type on command lines and see in reports, e.g. {@code float32} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a label such as {@code float32} or {@code bf16}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted labels when {@code label} is not one
     */
    public static DType parse(String label) {
        String l = label == null ? "" : label.trim().toLowerCase(java.util.Locale.ROOT);
        switch (l) {
            case "bf16": return BFLOAT16;
            case "fp16": case "f16": case "half": return FLOAT16;
            case "f32": case "float": return FLOAT32;
            case "f64": case "double": return FLOAT64;
            case "c64": return COMPLEX64;
            default: break;
        }
        for (DType t : values()) {
            if (t.label().equals(l)) {
                return t;
            }
        }
        StringBuilder known = new StringBuilder();
        for (DType t : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(t.label());
        }
        throw new IllegalArgumentException("unknown dtype '" + label + "'; use one of: " + known);
    }
}
