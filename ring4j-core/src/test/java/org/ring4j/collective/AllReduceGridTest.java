package org.ring4j.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.ring4j.DType;
import org.ring4j.Protocol;
import org.ring4j.ReduceOp;
import org.ring4j.RingOptions;
import org.ring4j.protocol.AllReducePlan;
import org.ring4j.testing.Inputs;
import org.ring4j.testing.LocalRing;
import org.ring4j.testing.RingReference;

/**
 * Every dtype x every op x element counts around the ring size, on rings of 1 to 8 ranks (threads
 * over loopback) with 1 to 3 connections, in place and out of place; every rank's result must be
 * bitwise equal to {@link RingReference}, which follows the reduction order independently (MLX's
 * ring, or rank order for small native all-reduces), and the ranks equal to each other.
 */
@Timeout(300)
class AllReduceGridTest {

    static Stream<Arguments> rings() {
        List<Arguments> out = new ArrayList<>();
        for (int n : new int[] {1, 2, 3, 4, 5, 8}) {
            for (int k = 1; k <= 3; k++) {
                out.add(Arguments.of(n, k));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> ringsAndProtocols() {
        List<Arguments> out = new ArrayList<>();
        for (Protocol p : Protocol.values()) {
            rings().forEach(a -> out.add(Arguments.of(a.get()[0], a.get()[1], p)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ranks x {1} connections, {2}")
    @MethodSource("ringsAndProtocols")
    void everyDtypeOpAndSmallCount(int n, int k, Protocol protocol) throws Exception {
        try (LocalRing ring = LocalRing.start(n, k, RingOptions.builder().protocol(protocol).build())) {
            int seed = 0;
            for (DType dtype : DType.values()) {
                // Around the ring size (padding), and on both sides of the native gather's bound.
                int gatherMax = (int) (AllReducePlan.GATHER_INPUTS_MAX_BYTES / n / dtype.size());
                int[] counts = {0, 1, Math.max(0, n - 1), n, n + 1, 1000, gatherMax, gatherMax + 1};
                for (ReduceOp op : ReduceOp.values()) {
                    for (int count : counts) {
                        check(ring, n, k, protocol, dtype, op, count, ++seed, seed % 2 == 0, seed % 3 == 0);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} ranks x {1} connections")
    @MethodSource("rings")
    void severalSubReducesAndPackets(int n, int k) throws Exception {
        // 262147 elements: several sub-reduces for wide types, short last segments, several packets.
        try (LocalRing ring = LocalRing.start(n, k, RingOptions.defaults())) {
            int seed = 1000;
            for (DType dtype : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.INT8, DType.FLOAT64, DType.COMPLEX64}) {
                check(ring, n, k, Protocol.NATIVE, dtype, ReduceOp.SUM, 262_147, ++seed, true, false);
            }
            check(ring, n, k, Protocol.NATIVE, DType.FLOAT16, ReduceOp.MAX, 262_147, ++seed, false, true);
            check(ring, n, k, Protocol.NATIVE, DType.UINT32, ReduceOp.MIN, 262_147, ++seed, false, false);
        }
    }

    @ParameterizedTest(name = "{0} ranks x {1} connections")
    @MethodSource("largeRings")
    void millionsOfElements(int n, int k) throws Exception {
        try (LocalRing ring = LocalRing.start(n, k, RingOptions.defaults())) {
            check(ring, n, k, Protocol.NATIVE, DType.FLOAT32, ReduceOp.SUM, 3_000_017, 77, false, true);
            check(ring, n, k, Protocol.NATIVE, DType.BFLOAT16, ReduceOp.SUM, 2_500_001, 78, true, false);
        }
    }

    @ParameterizedTest(name = "16 ranks, {0}")
    @EnumSource(Protocol.class)
    void sixteenRanksAsThreads(Protocol protocol) throws Exception {
        int n = 16;
        try (LocalRing ring = LocalRing.start(n, 1, RingOptions.builder().protocol(protocol).build())) {
            long seed = 500;
            for (int count : new int[] {0, 1, n - 1, n, n + 1, 1000, 262_147}) {
                check(ring, n, 1, protocol, DType.FLOAT32, ReduceOp.SUM, count, ++seed, false, count % 2 == 0);
            }
            check(ring, n, 1, protocol, DType.BFLOAT16, ReduceOp.SUM, 100_003, ++seed, true, false);
            check(ring, n, 1, protocol, DType.INT64, ReduceOp.MAX, 4097, ++seed, false, true);
            check(ring, n, 1, protocol, DType.FLOAT16, ReduceOp.MIN, 17, ++seed, true, true);
        }
    }

    /**
     * Out of place, the large all-reduce reads the input where it is instead of copying it into the
     * output first (ExchangeTask#readsInput). Buffers that share memory must still give the
     * all-reduce of the input as it was at the call: src and dst overlapping by half, in both
     * orders, and a second view of the same memory.
     */
    @ParameterizedTest(name = "{0} ranks x {1} connections")
    @MethodSource("overlapRings")
    void overlappingBuffersReduceTheInputAsItWas(int n, int k) throws Exception {
        DType dtype = DType.FLOAT32;
        int count = 262_147;
        int bytes = count * dtype.size();
        int shift = (count / 2) * dtype.size();
        try (LocalRing ring = LocalRing.start(n, k, RingOptions.defaults())) {
            long seed = 900;
            for (int layout = 0; layout < 3; layout++) {
                for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX}) {
                    byte[][] inputs = new byte[n][];
                    for (int r = 0; r < n; r++) {
                        inputs[r] = Inputs.of(dtype, count, r, ++seed);
                    }
                    byte[] expected = RingReference.allReduce(dtype, op, inputs, k, Protocol.NATIVE);
                    int srcAt = layout == 0 ? 0 : layout == 1 ? shift : 0;
                    int dstAt = layout == 0 ? shift : 0;
                    int lay = layout;
                    ring.run(g -> {
                        ByteBuffer memory = ByteBuffer.allocateDirect(bytes + shift);
                        ByteBuffer src = memory.slice(srcAt, bytes).order(ByteOrder.LITTLE_ENDIAN);
                        ByteBuffer dst = lay == 2 ? src.duplicate() : memory.slice(dstAt, bytes);
                        src.put(0, inputs[g.rank()]);
                        g.allReduce(src, dst, dtype, op);
                        byte[] got = new byte[bytes];
                        dst.get(0, got);
                        assertThat(sumNaNsAsOne(dtype, op, got))
                                .as("rank %d of %d, k=%d, %s, layout %d", g.rank(), n, k, op, lay)
                                .isEqualTo(sumNaNsAsOne(dtype, op, expected));
                    }, 120);
                }
            }
        }
    }

    static Stream<Arguments> overlapRings() {
        return Stream.of(Arguments.of(2, 1), Arguments.of(3, 2), Arguments.of(4, 1));
    }

    static Stream<Arguments> largeRings() {
        return Stream.of(Arguments.of(2, 1), Arguments.of(4, 2), Arguments.of(3, 3), Arguments.of(8, 2));
    }

    private static void check(LocalRing ring, int n, int k, Protocol protocol, DType dtype, ReduceOp op, int count,
            long seed, boolean inPlace, boolean heap) throws Exception {
        byte[][] inputs = new byte[n][];
        for (int r = 0; r < n; r++) {
            inputs[r] = Inputs.of(dtype, count, r, seed);
        }
        byte[] expected = RingReference.allReduce(dtype, op, inputs, k, protocol);
        byte[][] results = new byte[n][];
        ring.run(g -> {
            ByteBuffer src = buffer(inputs[g.rank()], heap);
            // Not zeros: an output byte that the collective forgot to write must not pass by chance.
            ByteBuffer dst = inPlace ? src : buffer(garbage(inputs[g.rank()].length), heap);
            g.allReduce(src, dst, dtype, op);
            byte[] got = new byte[expected.length];
            dst.get(0, got);
            results[g.rank()] = got;
            assertThat(sumNaNsAsOne(dtype, op, got)).as("rank %d of %d, k=%d, %s %s, %d elements, inPlace=%s heap=%s",
                    g.rank(), n, k, dtype, op, count, inPlace, heap).isEqualTo(sumNaNsAsOne(dtype, op, expected));
            if (!inPlace) {
                byte[] srcAfter = new byte[expected.length];
                src.get(0, srcAfter);
                assertThat(srcAfter).as("the input is left as it was").isEqualTo(inputs[g.rank()]);
            }
        }, 120);
        for (int r = 1; r < n; r++) {
            assertThat(results[r]).as("rank %d's bits equal rank 0's (%s %s, %d elements)", r, dtype, op, count)
                    .isEqualTo(results[0]);
        }
    }

    /**
     * Which NaN a float addition of two different NaNs returns depends on the hardware and on the
     * operand order the JIT picks (JDK 25's C2 and 17's differ), and no protocol fixes it (MLX
     * neither); so sums compare every NaN as one value. All other bits are compared exactly, and
     * the ranks are compared with each other bit for bit.
     */
    private static byte[] sumNaNsAsOne(DType dtype, ReduceOp op, byte[] bytes) {
        if (op != ReduceOp.SUM || !dtype.isFloatingPoint()) {
            return bytes;
        }
        byte[] out = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT64:
                for (int i = 0; i + 8 <= out.length; i += 8) {
                    if (Double.isNaN(b.getDouble(i))) {
                        b.putLong(i, 0x7FF8000000000000L);
                    }
                }
                break;
            case FLOAT32: case COMPLEX64:
                for (int i = 0; i + 4 <= out.length; i += 4) {
                    if (Float.isNaN(b.getFloat(i))) {
                        b.putInt(i, 0x7FC00000);
                    }
                }
                break;
            default: // float16, bfloat16: exponent all ones and a non-zero mantissa
                int expMask = dtype == DType.FLOAT16 ? 0x7C00 : 0x7F80;
                for (int i = 0; i + 2 <= out.length; i += 2) {
                    int h = b.getShort(i) & 0x7FFF;
                    if ((h & expMask) == expMask && (h & ~expMask) != 0) {
                        b.putShort(i, (short) 0x7FFF);
                    }
                }
        }
        return out;
    }

    private static byte[] garbage(int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) 0xA5);
        return b;
    }

    private static ByteBuffer buffer(byte[] content, boolean heap) {
        ByteBuffer b = heap ? ByteBuffer.allocate(content.length) : ByteBuffer.allocateDirect(content.length);
        b.order(ByteOrder.LITTLE_ENDIAN).put(0, content);
        return b;
    }
}
