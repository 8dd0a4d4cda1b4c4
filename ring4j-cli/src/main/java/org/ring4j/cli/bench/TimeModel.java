package org.ring4j.cli.bench;

import java.util.List;

/**
 * The ring's cost model, {@code t(S) = steps(n) * alpha + busFactor(n) * S / beta}, fitted to the
 * measured rows by least squares on relative error: {@code alpha} is the latency of one step
 * (one message between neighbours), {@code beta} the bandwidth of one link. With them users can
 * predict larger rings before they have them.
 *
 * @param alphaUs latency per step in microseconds
 * @param betaGBps bandwidth per link in GB/s
 */
public record TimeModel(double alphaUs, double betaGBps) {

    /** Fits the model to rows of one configuration; null when fewer than two sizes were measured. */
    static TimeModel fit(Collective c, int n, List<Row> rows) {
        if (rows.size() < 2 || n < 2) {
            return null;
        }
        // Weighted least squares of t = a + b * S with weights 1/t^2 (relative error).
        double sw = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Row r : rows) {
            double w = 1 / (r.timeUs() * r.timeUs());
            double x = r.bytes();
            double y = r.timeUs();
            sw += w;
            sx += w * x;
            sy += w * y;
            sxx += w * x * x;
            sxy += w * x * y;
        }
        double det = sw * sxx - sx * sx;
        if (det == 0) {
            return null;
        }
        double b = (sw * sxy - sx * sy) / det; // us per byte
        double a = (sy - b * sx) / sw; // us
        a = Math.max(a, 0);
        if (b <= 0) {
            return null;
        }
        double alpha = a / c.steps(n);
        double beta = c.busFactor(n) / b / 1e3; // bytes per us -> GB/s
        return new TimeModel(alpha, beta);
    }

    /** The predicted time in microseconds of {@code bytes} on {@code n} ranks. */
    double predictUs(Collective c, int n, long bytes) {
        return c.steps(n) * alphaUs + c.busFactor(n) * bytes / (betaGBps * 1e3);
    }
}
