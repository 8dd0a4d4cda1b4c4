package org.ring4j.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/** The operation header's codec: the documented bytes, round trips, and fuzzed or truncated input. */
class OpHeaderTest {
    private static final long FUZZ_SEED = 0x0DE4_2024L;
    private static final int FUZZ_COUNT = 100_000;

    @Test
    void writesTheDocumentedBytes() {
        ByteBuffer b = header();
        OpHeader.write(b, OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.SUM, 17, 1000);
        byte[] bytes = new byte[OpHeader.BYTES];
        b.get(0, bytes);
        // "R4JO", kind 1, float32 = ordinal 11 + 1, sum = ordinal 0 + 1, flags 0, sequence 17, count 1000.
        assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo("52344a4f" + "01" + "0c" + "01" + "00" + "1100000000000000" + "e803000000000000");
    }

    @Test
    void everyKindDtypeAndOpRoundTrips() {
        List<DType> dtypes = new ArrayList<>(Arrays.asList(DType.values()));
        dtypes.add(null);
        List<ReduceOp> ops = new ArrayList<>(Arrays.asList(ReduceOp.values()));
        ops.add(null);
        long[] numbers = {0, 1, 17, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE};
        int checked = 0;
        for (boolean direct : new boolean[] {false, true}) {
            for (int kind : new int[] {OpHeader.ALL_REDUCE, OpHeader.ALL_GATHER, OpHeader.SEND_RECV}) {
                for (DType dtype : dtypes) {
                    for (ReduceOp op : ops) {
                        for (long seq : numbers) {
                            for (long count : numbers) {
                                ByteBuffer b = direct
                                        ? ByteBuffer.allocateDirect(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                                        : header();
                                OpHeader.write(b, kind, dtype, op, seq, count);
                                assertThat(OpHeader.decode(b)).isEqualTo(new OpHeader.Fields(kind, dtype, op, seq, count));
                                ByteBuffer copy = header().put(0, b, 0, OpHeader.BYTES);
                                assertThat(OpHeader.same(b, copy)).isTrue();
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 3 * 15 * 4 * 6 * 6);
    }

    @Test
    void headersThatDifferInAnyFieldAreNotTheSame() {
        ByteBuffer a = header();
        OpHeader.write(a, OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.SUM, 3, 1000);
        ByteBuffer[] others = new ByteBuffer[5];
        for (int i = 0; i < others.length; i++) {
            others[i] = header();
        }
        OpHeader.write(others[0], OpHeader.ALL_GATHER, DType.FLOAT32, ReduceOp.SUM, 3, 1000);
        OpHeader.write(others[1], OpHeader.ALL_REDUCE, DType.INT32, ReduceOp.SUM, 3, 1000);
        OpHeader.write(others[2], OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.MAX, 3, 1000);
        OpHeader.write(others[3], OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.SUM, 4, 1000);
        OpHeader.write(others[4], OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.SUM, 3, 1001);
        for (ByteBuffer o : others) {
            assertThat(OpHeader.same(a, o)).isFalse();
            assertThat(OpHeader.same(o, a)).isFalse();
        }
    }

    @Test
    void describesOperationsAsTheMismatchMessageNamesThem() {
        ByteBuffer b = header();
        OpHeader.write(b, OpHeader.ALL_REDUCE, DType.FLOAT32, ReduceOp.SUM, 17, 1000);
        assertThat(OpHeader.describe(b)).isEqualTo("allReduce(sum, float32, 1000 elements) as operation #17");
        OpHeader.write(b, OpHeader.ALL_GATHER, null, null, 2, 64);
        assertThat(OpHeader.describe(b)).isEqualTo("allGather(64 bytes) as operation #2");
        OpHeader.write(b, OpHeader.SEND_RECV, null, null, 0, 4096);
        assertThat(OpHeader.describe(b)).isEqualTo("send/recv(4096 bytes)");
        b.put(4, (byte) 9);
        assertThat(OpHeader.decode(b)).isNull();
        assertThat(OpHeader.describe(b)).startsWith("a malformed ring4j operation header (kind 9, dtype 0, op 0, flags 0)");
        b.putInt(0, 0x12345678);
        assertThat(OpHeader.describe(b)).startsWith("something that is no ring4j operation header (first bytes 12345678");
        for (int n = 0; n < OpHeader.BYTES; n++) {
            ByteBuffer t = header().limit(n);
            assertThat(OpHeader.decode(t)).isNull();
            assertThat(OpHeader.describe(t)).isEqualTo("a truncated operation header (" + n + " of 24 bytes)");
        }
    }

    /**
     * Random bytes and mutated valid headers, 0 to 40 bytes long: decode either rejects them or
     * returns fields that write back to exactly the same 24 bytes; neither decode nor describe
     * ever throws.
     */
    @Test
    void fuzzedHeadersAreRejectedOrDecodedCanonicallyAndNeverCrash() {
        Random random = new Random(FUZZ_SEED);
        DType[] dtypes = DType.values();
        ReduceOp[] ops = ReduceOp.values();
        int rejected = 0;
        int decoded = 0;
        int mutatedAndStillEqual = 0;
        for (int i = 0; i < FUZZ_COUNT; i++) {
            int length = random.nextInt(41);
            byte[] bytes = new byte[length];
            ByteBuffer original = null;
            if (random.nextBoolean()) {
                random.nextBytes(bytes);
            } else {
                original = header();
                OpHeader.write(original, 1 + random.nextInt(3), dtypes[random.nextInt(dtypes.length)],
                        ops[random.nextInt(ops.length)], random.nextLong(), random.nextLong());
                original.get(0, bytes, 0, Math.min(length, OpHeader.BYTES));
                int flips = random.nextInt(4);
                for (int f = 0; f < flips && length > 0; f++) {
                    bytes[random.nextInt(length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            OpHeader.Fields f = OpHeader.decode(b);
            assertThat(OpHeader.describe(b)).isNotEmpty();
            if (f == null) {
                rejected++;
                continue;
            }
            decoded++;
            assertThat(length).isGreaterThanOrEqualTo(OpHeader.BYTES);
            ByteBuffer again = header();
            OpHeader.write(again, f.kind(), f.dtype(), f.op(), f.sequence(), f.count());
            byte[] written = new byte[OpHeader.BYTES];
            again.get(0, written);
            assertThat(written).as("input %d re-encodes to itself", i).isEqualTo(Arrays.copyOf(bytes, OpHeader.BYTES));
            assertThat(OpHeader.same(b, again)).isTrue();
            if (original != null && OpHeader.same(original, b)) {
                mutatedAndStillEqual++; // no flip, or flips that cancelled out
            }
        }
        System.out.printf("fuzzed operation headers (seed %x, %d inputs): %d rejected, %d decoded "
                + "(%d of them unchanged valid headers)%n", FUZZ_SEED, FUZZ_COUNT, rejected, decoded, mutatedAndStillEqual);
        assertThat(rejected + decoded).isEqualTo(FUZZ_COUNT);
        assertThat(rejected).isPositive();
        assertThat(decoded).isPositive();
    }

    private static ByteBuffer header() {
        return ByteBuffer.allocate(OpHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }
}
