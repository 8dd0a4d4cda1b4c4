package org.ring4j.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.ring4j.DType;
import org.ring4j.Group;
import org.ring4j.Ring;
import org.ring4j.RingException;
import org.ring4j.RingOptions;

/**
 * One rank of a multi-process test, run in its own JVM: {@code RankMain <scenario> <hostfile> <rank>}
 * with options from the environment. Prints {@code CONNECTED <rank>} once the ring is formed, what
 * its scenario reports ({@code DIGEST <hex>} of everything it received, {@code ITERATING},
 * {@code SUM <n>}), and {@code FAILED after <ms> ms: <message>} with exit code 3 when the group
 * throws, including during the set-up.
 *
 * <p>Scenarios: {@code collectives}; {@code loop <iterations>} (all-sums of 16 MiB);
 * {@code mismatch [odd rank, default 2]}; {@code sum}.
 */
public final class RankMain {
    private RankMain() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path hostfile = Path.of(args[1]);
        int rank = Integer.parseInt(args[2]);
        RingOptions options = RingOptions.fromEnvironment(System.getenv());
        long start = System.nanoTime();
        try (Group g = Ring.connect(hostfile, rank, options)) {
            System.out.println("CONNECTED " + rank);
            System.out.flush();
            switch (scenario) {
                case "collectives":
                    collectives(g);
                    break;
                case "loop":
                    loop(g, Integer.parseInt(args[3]));
                    break;
                case "mismatch":
                    mismatch(g, args.length > 3 ? Integer.parseInt(args[3]) : 2);
                    break;
                case "sum":
                    sum(g);
                    break;
                default:
                    throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } catch (RingException e) {
            System.out.println("FAILED after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.out.println("DONE " + rank);
    }

    private static void collectives(Group g) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int n = g.size();
        int count = 1_000_003;
        float[] v = new float[count];
        for (int j = 0; j < count; j++) {
            v[j] = (g.rank() + 1) * 0.1f + (j % 1000) * 1e-3f;
        }
        g.allSum(v, v);
        ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(v);
        md.update(bytes.array());

        ByteBuffer mine = ByteBuffer.allocateDirect(300_000);
        for (int j = 0; j < mine.capacity(); j++) {
            mine.put(j, (byte) (g.rank() * 7 + j));
        }
        ByteBuffer all = ByteBuffer.allocateDirect(300_000 * n);
        g.allGather(mine, all);
        byte[] gathered = new byte[all.capacity()];
        all.get(0, gathered);
        md.update(gathered);

        ByteBuffer out = ByteBuffer.allocateDirect(2_000_000);
        for (int j = 0; j < out.capacity(); j++) {
            out.put(j, (byte) (j * 3));
        }
        ByteBuffer in = ByteBuffer.allocateDirect(2_000_000);
        g.sendRecv(out, (g.rank() + 1) % n, in, (g.rank() - 1 + n) % n);
        byte[] got = new byte[in.capacity()];
        in.get(0, got);
        md.update(got);

        ByteBuffer h = ByteBuffer.allocateDirect(2 * 50_000).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < 50_000; j++) {
            h.putShort(2 * j, (short) (0x3C00 + g.rank() + j % 5)); // float16 near 1.0
        }
        g.allSum(h, h, DType.FLOAT16);
        byte[] hb = new byte[h.capacity()];
        h.get(0, hb);
        md.update(hb);
        System.out.println("DIGEST " + HexFormat.of().formatHex(md.digest()));
    }

    private static void loop(Group g, int iterations) {
        float[] v = new float[4 << 20];
        for (int i = 0; i < iterations; i++) {
            g.allSum(v, v);
            if (i == 0) {
                System.out.println("ITERATING " + g.rank());
                System.out.flush();
            }
        }
    }

    /** Rank {@code odd} all-gathers 64 int8 while every other rank all-sums 1000 float32. */
    private static void mismatch(Group g, int odd) {
        if (g.rank() == odd) {
            g.allGather(new byte[64], new byte[64 * g.size()]);
        } else {
            float[] a = new float[1000];
            g.allSum(a, a);
        }
    }

    /** One all-sum of {@code rank + 1}: prints {@code SUM n(n+1)/2}. */
    private static void sum(Group g) {
        int[] v = {g.rank() + 1};
        g.allSum(v, v);
        System.out.println("SUM " + v[0]);
    }
}
