package org.ring4j.cli.bench;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * A periodic data pattern for checking results: element {@code i} holds code
 * {@code (i + shift) mod 7}. Filling and checking run at memory speed (bulk copies and
 * {@link ByteBuffer#mismatch}), so every iteration can be checked; a mismatch falls back to an
 * element-wise count, so {@code #wrong} counts wrong elements exactly.
 */
final class Pattern {
    static final int PERIOD = 7;
    private static final int BLOCK_ELEMENTS = PERIOD * 1024;

    private final int elementSize;
    private final byte[][] codes;
    private final byte[][] blocks; // blocks[q]: element j holds codes[(j + q) % PERIOD]

    /**
     * @param elementSize bytes per element
     * @param codeOf the little-endian bytes of code {@code k}, for k in 0..6
     */
    Pattern(int elementSize, IntFunction<byte[]> codeOf) {
        this.elementSize = elementSize;
        this.codes = new byte[PERIOD][];
        for (int k = 0; k < PERIOD; k++) {
            codes[k] = codeOf.apply(k);
            if (codes[k].length != elementSize) {
                throw new IllegalArgumentException("code " + k + " has " + codes[k].length + " bytes, not " + elementSize);
            }
        }
        this.blocks = new byte[PERIOD][BLOCK_ELEMENTS * elementSize];
        for (int q = 0; q < PERIOD; q++) {
            for (int j = 0; j < BLOCK_ELEMENTS; j++) {
                System.arraycopy(codes[(j + q) % PERIOD], 0, blocks[q], j * elementSize, elementSize);
            }
        }
    }

    /** Writes the pattern with {@code shift} into {@code dst[offset, offset + bytes)}. */
    void fill(ByteBuffer dst, int offset, int bytes, int shift) {
        byte[] block = blocks[Math.floorMod(shift, PERIOD)];
        for (int off = 0; off < bytes; off += block.length) {
            dst.put(offset + off, block, 0, Math.min(block.length, bytes - off));
        }
    }

    /** @return how many elements of {@code got[offset, offset + bytes)} differ from the pattern with {@code shift} */
    long countWrong(ByteBuffer got, int offset, int bytes, int shift) {
        int q = Math.floorMod(shift, PERIOD);
        byte[] block = blocks[q];
        ByteBuffer expected = ByteBuffer.wrap(block);
        long wrong = 0;
        for (int off = 0; off < bytes; off += block.length) {
            int len = Math.min(block.length, bytes - off);
            if (got.slice(offset + off, len).mismatch(expected.slice(0, len)) >= 0) {
                for (int e = 0; e < len; e += elementSize) {
                    for (int b = 0; b < elementSize; b++) {
                        if (got.get(offset + off + e + b) != block[e + b]) {
                            wrong++;
                            break;
                        }
                    }
                }
            }
        }
        return wrong;
    }
}
