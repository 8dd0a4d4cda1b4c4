package org.ring4j.cli.bench;

import java.util.List;

/**
 * The cost model of the algorithm each size runs, {@code t(S) = steps * alpha + linkFactor * S / beta}
 * ({@link Collective#steps(int, long, boolean)}, {@link Collective#linkFactor}), fitted to the
 * measured rows by least squares on relative error: {@code alpha} is the latency of one step (one
 * message between neighbours), {@code beta} the bandwidth of one link. For the ring that is
 * {@code 2(n-1) alpha + 2(n-1)/n S / beta} (all-reduce); a native all-reduce small enough to gather
 * the inputs takes {@code ceil((n-1)/2)} hops of the whole input instead. One {@code alpha} and one
 * {@code beta} describe both, so a fit over small and large sizes predicts either algorithm, and
 * the prediction for another ring size uses the algorithm that ring would run. With them users
 * can predict larger rings before they have them.
 *
 * @param alphaUs latency per step in microseconds
 * @param betaGBps bandwidth per link in GB/s
 * @param nativeProtocol whether the rows (and so the predictions) are of the native protocol, whose
 *     small all-reduces gather the inputs; MLX's ring never does
 */
public record TimeModel(double alphaUs, double betaGBps, boolean nativeProtocol) {

    /**
     * Fits the model to rows of one configuration; null when fewer than two sizes were measured or
     * the rows do not determine a positive bandwidth.
     */
    static TimeModel fit(Collective c, int n, boolean nativeProtocol, List<Row> rows) {
        if (rows.size() < 2 || n < 2) {
            return null;
        }
        // Weighted least squares of t = alpha * h + x / beta, h = steps and x = link bytes of the
        // row's algorithm, weights 1/t^2 (relative error): the 2x2 normal equations.
        double shh = 0;
        double shx = 0;
        double sxx = 0;
        double sht = 0;
        double sxt = 0;
        for (Row r : rows) {
            double w = 1 / (r.timeUs() * r.timeUs());
            double h = c.steps(n, r.bytes(), nativeProtocol);
            double x = c.linkFactor(n, r.bytes(), nativeProtocol) * r.bytes();
            double t = r.timeUs();
            shh += w * h * h;
            shx += w * h * x;
            sxx += w * x * x;
            sht += w * h * t;
            sxt += w * x * t;
        }
        double det = shh * sxx - shx * shx;
        if (det <= 0) {
            return null;
        }
        double alpha = (sht * sxx - shx * sxt) / det; // us per step
        double usPerByte = (shh * sxt - shx * sht) / det;
        if (alpha < 0) {
            // Latency too small to resolve: the best fit through the origin.
            alpha = 0;
            usPerByte = sxt / sxx;
        }
        if (usPerByte <= 0) {
            return null;
        }
        return new TimeModel(alpha, 1 / usPerByte / 1e3, nativeProtocol); // bytes per us -> GB/s
    }

    /** The predicted time in microseconds of {@code bytes} on {@code n} ranks. */
    double predictUs(Collective c, int n, long bytes) {
        return c.steps(n, bytes, nativeProtocol) * alphaUs
                + c.linkFactor(n, bytes, nativeProtocol) * bytes / (betaGBps * 1e3);
    }
}
