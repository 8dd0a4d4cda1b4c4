package org.ring4j.collective;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ring4j.RingOptions;
import org.ring4j.testing.LocalRing;

class SmokeTest {
    @Test
    void sums() throws Exception {
        for (int n : new int[] {1, 2, 3, 4}) {
            for (int count : new int[] {0, 1, 3, 1000, 1_000_003}) {
                try (LocalRing ring = LocalRing.start(n, 2, RingOptions.defaults())) {
                    ring.run(g -> {
                        float[] a = new float[count];
                        for (int i = 0; i < count; i++) {
                            a[i] = g.rank() + i % 7;
                        }
                        float[] out = new float[count];
                        g.allSum(a, out);
                        for (int i = 0; i < count; i++) {
                            assertThat(out[i]).isEqualTo((float) (n * (n - 1) / 2 + n * (i % 7)));
                        }
                    }, 60);
                }
            }
        }
    }
}
