package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The time model: the fit recovers the parameters of exact data whichever algorithm each size ran,
 * predictions use the algorithm the predicted ring runs, and the plot's model curves follow it.
 */
class TimeModelTest {
    private static final double ALPHA_US = 12.5;
    private static final double BETA_GBPS = 2.0;

    /** The exact time of the algorithm {@code bytes} runs on {@code n} ranks. */
    private static double exactUs(int n, long bytes, boolean nativeProtocol) {
        Collective c = Collective.ALL_REDUCE;
        return c.steps(n, bytes, nativeProtocol) * ALPHA_US
                + c.linkFactor(n, bytes, nativeProtocol) * bytes / (BETA_GBPS * 1e3);
    }

    /** All-reduce rows on {@code n} ranks, 8 B to 32 MiB, whose times follow the model exactly. */
    private static List<Row> exactRows(int n, boolean nativeProtocol) {
        Collective c = Collective.ALL_REDUCE;
        List<Row> rows = new ArrayList<>();
        for (long bytes = 8; bytes <= 32L << 20; bytes *= 4) {
            double t = exactUs(n, bytes, nativeProtocol);
            double algbw = bytes / t / 1e3;
            rows.add(new Row("all-reduce", "float32", "sum", n, 1, bytes, bytes / 4, t, algbw, algbw * c.busFactor(n), 0, t, t, t));
        }
        return rows;
    }

    @Test
    void nativeSmallAllReducesGatherTheInputsInHalfTheRingsHops() {
        Collective c = Collective.ALL_REDUCE;
        // 4 ranks: 2 hops of the whole input up to n x S = 256 KiB, then the ring's 6 steps.
        assertThat(c.steps(4, 8, true)).isEqualTo(2);
        assertThat(c.linkFactor(4, 8, true)).isEqualTo(2.0);
        assertThat(c.steps(4, 64 << 10, true)).isEqualTo(2);
        assertThat(c.steps(4, (64 << 10) + 4, true)).isEqualTo(6);
        assertThat(c.linkFactor(4, 1 << 20, true)).isEqualTo(1.5);
        assertThat(c.steps(16, 8, true)).isEqualTo(8);
        assertThat(c.steps(3, 8, true)).as("ceil((n-1)/2)").isEqualTo(1);
        // MLX's ring never gathers; the other collectives always ring.
        assertThat(c.steps(4, 8, false)).isEqualTo(6);
        assertThat(Collective.ALL_GATHER.steps(4, 8, true)).isEqualTo(3);
        assertThat(Collective.SEND_RECV.steps(4, 8, true)).isEqualTo(1);
    }

    @Test
    void fitRecoversLatencyAndBandwidthOverBothAlgorithms() {
        for (boolean nativeProtocol : new boolean[] {true, false}) {
            TimeModel m = TimeModel.fit(Collective.ALL_REDUCE, 4, nativeProtocol, exactRows(4, nativeProtocol));
            assertThat(m.alphaUs()).as("native %s", nativeProtocol).isCloseTo(ALPHA_US, within(1e-6));
            assertThat(m.betaGBps()).as("native %s", nativeProtocol).isCloseTo(BETA_GBPS, within(1e-9));
            assertThat(TimeModel.fit(Collective.ALL_REDUCE, 4, nativeProtocol, exactRows(4, nativeProtocol).subList(0, 1)))
                    .as("one size").isNull();
        }
    }

    @Test
    void predictionsForOtherRingsUseTheAlgorithmThoseRingsRun() {
        TimeModel m = TimeModel.fit(Collective.ALL_REDUCE, 4, true, exactRows(4, true));
        for (int n : new int[] {2, 8, 16, 64, 256}) {
            for (long bytes : new long[] {8, 4096, 1 << 20, 32L << 20}) {
                assertThat(m.predictUs(Collective.ALL_REDUCE, n, bytes)).as("%d ranks, %d B", n, bytes)
                        .isCloseTo(exactUs(n, bytes, true), within(1e-6 * exactUs(n, bytes, true)));
            }
        }
        // 8 B on 16 ranks: 8 hops, not the ring's 30 steps.
        assertThat(m.predictUs(Collective.ALL_REDUCE, 16, 8)).isCloseTo(8 * ALPHA_US + 8 * 8 / (BETA_GBPS * 1e3), within(1e-6));
        TimeModel mlx = TimeModel.fit(Collective.ALL_REDUCE, 4, false, exactRows(4, false));
        assertThat(mlx.predictUs(Collective.ALL_REDUCE, 16, 8)).isCloseTo(30 * ALPHA_US + 1.875 * 8 / (BETA_GBPS * 1e3), within(1e-6));
    }

    @Test
    void modelCurvesGiveTheMeasuredBusbwForThisRingAndThePredictionForSixteenRanks() {
        List<Row> rows = exactRows(4, true);
        Map<String, double[][]> curves = Report.modelCurves(rows, true);
        assertThat(curves).containsOnlyKeys("model, 4 ranks: all-reduce float32 sum",
                "model, " + Report.MODEL_PLOT_RANKS + " ranks: all-reduce float32 sum");
        double[][] own = curves.get("model, 4 ranks: all-reduce float32 sum");
        double[][] larger = curves.get("model, " + Report.MODEL_PLOT_RANKS + " ranks: all-reduce float32 sum");
        assertThat(own.length).isEqualTo(rows.size());
        Collective c = Collective.ALL_REDUCE;
        int n = Report.MODEL_PLOT_RANKS;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertThat(own[i][0]).isEqualTo(r.bytes());
            assertThat(own[i][1]).as("busbw at %d B", r.bytes()).isCloseTo(r.busbw(), within(1e-9 * r.busbw()));
            double t = exactUs(n, r.bytes(), true);
            assertThat(larger[i][1]).isCloseTo(c.busFactor(n) * r.bytes() / t / 1e3, within(1e-9));
        }
        // Large messages approach the link bandwidth beta, more slowly on the larger ring.
        assertThat(own[own.length - 1][1]).isLessThan(BETA_GBPS).isGreaterThan(larger[larger.length - 1][1]);
    }
}
