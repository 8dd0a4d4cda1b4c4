package org.ring4j.collective;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.RingOptions;
import org.ring4j.testing.LocalRing;

/** The array forms, all-gather, send/recv and the asynchronous forms on a few ring shapes. */
@Timeout(120)
class ApiFormsTest {

    @Test
    void arraysOfEveryJavaTypeReduce() throws Exception {
        try (LocalRing ring = LocalRing.start(3, 2, RingOptions.defaults())) {
            ring.run(g -> {
                int r = g.rank();
                int count = 70_001;
                long want = 0 + 1 + 2;
                float[] f = new float[count];
                Arrays.fill(f, r);
                g.allSum(f, f);
                assertThat(f).containsOnly(3f);
                double[] d = new double[count];
                Arrays.fill(d, r + 0.5);
                double[] dOut = new double[count];
                g.allMax(d, dOut);
                assertThat(dOut).containsOnly(2.5);
                int[] i = new int[count];
                Arrays.fill(i, r - 1);
                g.allMin(i, i);
                assertThat(i).containsOnly(-1);
                long[] l = new long[count];
                Arrays.fill(l, Long.MAX_VALUE - r);
                g.allSum(l, l);
                assertThat(l).containsOnly(Long.MAX_VALUE * 3 - want);
                short[] s = new short[count];
                Arrays.fill(s, (short) (30000 + r));
                g.allSum(s, s);
                assertThat(s).containsOnly((short) (90003));
                byte[] b = new byte[count];
                Arrays.fill(b, (byte) (100 + r));
                g.allSum(b, b);
                assertThat(b).containsOnly((byte) 303);
                boolean[] z = new boolean[count];
                z[17] = r == 1;
                boolean[] any = new boolean[count];
                g.allSum(z, any);
                assertThat(any[17]).isTrue();
                assertThat(any[16]).isFalse();
                boolean[] all = new boolean[count];
                Arrays.fill(z, true);
                z[5] = r != 2;
                g.allMin(z, all);
                assertThat(all[5]).isFalse();
                assertThat(all[6]).isTrue();
            }, 60);
        }
    }

    @Test
    void allGatherPlacesEveryRanksBlock() throws Exception {
        for (int n : new int[] {1, 2, 3, 5}) {
            for (int k : new int[] {1, 3}) {
                try (LocalRing ring = LocalRing.start(n, k, RingOptions.defaults())) {
                    for (int count : new int[] {0, 1, 1000, 300_007}) {
                        ring.run(g -> {
                            int[] mine = new int[count];
                            for (int j = 0; j < count; j++) {
                                mine[j] = g.rank() * 1_000_000 + j;
                            }
                            int[] all = new int[count * n];
                            g.allGather(mine, all);
                            for (int r = 0; r < n; r++) {
                                for (int j = 0; j < count; j += 97) {
                                    assertThat(all[r * count + j]).isEqualTo(r * 1_000_000 + j);
                                }
                            }
                            ByteBuffer src = ByteBuffer.allocateDirect(count);
                            for (int j = 0; j < count; j++) {
                                src.put(j, (byte) (g.rank() * 31 + j));
                            }
                            ByteBuffer dst = ByteBuffer.allocateDirect(count * n);
                            g.allGather(src, dst);
                            for (int r = 0; r < n; r++) {
                                for (int j = 0; j < count; j += 13) {
                                    assertThat(dst.get(r * count + j)).isEqualTo((byte) (r * 31 + j));
                                }
                            }
                        }, 60);
                    }
                }
            }
        }
    }

    @Test
    void sendAndRecvInBothDirections() throws Exception {
        for (int n : new int[] {2, 3, 4}) {
            for (int k : new int[] {1, 2, 3}) {
                try (LocalRing ring = LocalRing.start(n, k, RingOptions.defaults())) {
                    for (int count : new int[] {0, 1, 1500, 2_000_003}) {
                        ring.run(g -> {
                            int r = g.rank();
                            int right = (r + 1) % n;
                            int left = (r - 1 + n) % n;
                            // A chain that cannot deadlock: rank 0 starts, every other rank forwards.
                            float[] token = new float[count];
                            if (r == 0) {
                                Arrays.fill(token, 1f);
                                g.send(token, right);
                                g.recv(token, left);
                                assertThat(count == 0 || token[count - 1] == n).isTrue();
                            } else {
                                g.recv(token, left);
                                for (int j = 0; j < count; j++) {
                                    token[j] += 1f;
                                }
                                g.send(token, right);
                            }
                            // The other direction with heap ByteBuffers.
                            ByteBuffer back = ByteBuffer.allocate(count);
                            if (r == 0) {
                                g.send(back, left);
                                g.recv(back, right);
                                assertThat(count == 0 || back.get(count - 1) == (byte) (n - 1)).isTrue();
                            } else {
                                g.recv(back, right);
                                for (int j = 0; j < count; j++) {
                                    back.put(j, (byte) (back.get(j) + 1));
                                }
                                g.send(back, left);
                            }
                        }, 60);
                    }
                }
            }
        }
    }

    @Test
    void sendRecvShiftsAroundTheRing() throws Exception {
        for (int n : new int[] {2, 3, 5}) {
            try (LocalRing ring = LocalRing.start(n, 2, RingOptions.defaults())) {
                for (int bytes : new int[] {0, 7, 5_000_000}) {
                    ring.run(g -> {
                        int r = g.rank();
                        ByteBuffer out = ByteBuffer.allocateDirect(bytes);
                        for (int j = 0; j < bytes; j++) {
                            out.put(j, (byte) (r + j));
                        }
                        ByteBuffer in = ByteBuffer.allocate(bytes);
                        g.sendRecv(out, (r + 1) % n, in, (r - 1 + n) % n);
                        int from = (r - 1 + n) % n;
                        for (int j = 0; j < bytes; j += 101) {
                            assertThat(in.get(j)).isEqualTo((byte) (from + j));
                        }
                    }, 60);
                }
            }
        }
    }

    @Test
    void asynchronousOperationsRunInOrder() throws Exception {
        try (LocalRing ring = LocalRing.start(4, 1, RingOptions.defaults())) {
            ring.run(g -> {
                ByteBuffer a = ByteBuffer.allocateDirect(4 * 100_000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ByteBuffer b = ByteBuffer.allocateDirect(4 * 100_000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < 100_000; j++) {
                    a.putInt(4 * j, g.rank());
                    b.putInt(4 * j, 10 * g.rank());
                }
                CompletableFuture<Void> fa = g.allReduceAsync(a, a, DType.INT32, ReduceOp.SUM);
                CompletableFuture<Void> fb = g.allReduceAsync(b, b, DType.INT32, ReduceOp.MAX);
                int[] c = {g.rank()};
                g.allSum(c, c); // a synchronous call after them waits for them
                assertThat(fa.isDone()).isTrue();
                assertThat(fb.isDone()).isTrue();
                assertThat(a.getInt(4 * 99_999)).isEqualTo(6);
                assertThat(b.getInt(0)).isEqualTo(30);
                assertThat(c[0]).isEqualTo(6);
                CompletableFuture.allOf(List.of(fa, fb).toArray(new CompletableFuture[0])).join();
            }, 60);
        }
    }
}
