package org.ring4j.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ring's time model: the fit recovers the parameters of exact data, and the plot's model curves follow it. */
class TimeModelTest {
    private static final double ALPHA_US = 12.5;
    private static final double BETA_GBPS = 2.0;

    /** All-reduce rows on {@code n} ranks whose times follow the model exactly. */
    private static List<Row> exactRows(int n) {
        Collective c = Collective.ALL_REDUCE;
        List<Row> rows = new ArrayList<>();
        for (long bytes = 1024; bytes <= 32L << 20; bytes *= 4) {
            double t = c.steps(n) * ALPHA_US + c.busFactor(n) * bytes / (BETA_GBPS * 1e3);
            double algbw = bytes / t / 1e3;
            rows.add(new Row("all-reduce", "float32", "sum", n, 1, bytes, bytes / 4, t, algbw, algbw * c.busFactor(n), 0, t, t, t));
        }
        return rows;
    }

    @Test
    void fitRecoversLatencyAndBandwidthOfExactData() {
        TimeModel m = TimeModel.fit(Collective.ALL_REDUCE, 4, exactRows(4));
        assertThat(m.alphaUs()).isCloseTo(ALPHA_US, within(1e-6));
        assertThat(m.betaGBps()).isCloseTo(BETA_GBPS, within(1e-9));
        assertThat(TimeModel.fit(Collective.ALL_REDUCE, 4, exactRows(4).subList(0, 1))).as("one size").isNull();
    }

    @Test
    void modelCurvesGiveTheMeasuredBusbwForThisRingAndThePredictionForSixteenRanks() {
        List<Row> rows = exactRows(4);
        Map<String, double[][]> curves = Report.modelCurves(rows);
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
            double t = c.steps(n) * ALPHA_US + c.busFactor(n) * r.bytes() / (BETA_GBPS * 1e3);
            assertThat(larger[i][1]).isCloseTo(c.busFactor(n) * r.bytes() / t / 1e3, within(1e-9));
        }
        // Large messages approach the link bandwidth beta, more slowly on the larger ring.
        assertThat(own[own.length - 1][1]).isLessThan(BETA_GBPS).isGreaterThan(larger[larger.length - 1][1]);
    }
}
