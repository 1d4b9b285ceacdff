package jp.kurashi.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own {@code inbound_ack_seconds} histogram for one channel, as scraped from /metrics: what the gateway
 * measured from a message's arrival to its ack, without the load generator's side of the socket. Two scrapes
 * subtract to the messages acknowledged between them.
 */
record AckHistogram(double[] bounds, long[] cumulative) {

  /** The channel's histogram in {@code metrics} (Prometheus text); empty if it has none yet. */
  static AckHistogram parse(String metrics, String channel) {
    Matcher m = Pattern.compile("(?m)^inbound_ack_seconds_bucket\\{channel=\"" + Pattern.quote(channel)
        + "\",le=\"([^\"]+)\"} (\\d+)$").matcher(metrics);
    List<double[]> rows = new ArrayList<>();
    while (m.find()) {
      double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      rows.add(new double[] {le, Long.parseLong(m.group(2))});
    }
    double[] bounds = rows.stream().mapToDouble(r -> r[0]).toArray();
    long[] counts = rows.stream().mapToLong(r -> (long) r[1]).toArray();
    return new AckHistogram(bounds, counts);
  }

  /** The acks counted here and not in {@code earlier}. */
  AckHistogram since(AckHistogram earlier) {
    long[] out = cumulative.clone();
    for (int i = 0; i < out.length && i < earlier.cumulative.length; i++) {
      out[i] -= earlier.cumulative[i];
    }
    return new AckHistogram(bounds, out);
  }

  long count() {
    return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  /** Share of the acks within {@code seconds}, which must be one of the bounds (exact, not interpolated). */
  double shareWithin(double seconds) {
    for (int i = 0; i < bounds.length; i++) {
      if (bounds[i] == seconds) {
        return count() == 0 ? Double.NaN : (double) cumulative[i] / count();
      }
    }
    throw new IllegalArgumentException("no bucket bound at " + seconds + " s");
  }

  /** The q-quantile in ms, interpolated within its bucket as Prometheus's histogram_quantile does. */
  double quantileMs(double q) {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    double rank = q * n;
    for (int i = 0; i < bounds.length; i++) {
      if (cumulative[i] >= rank) {
        if (Double.isInfinite(bounds[i])) {
          return bounds[i - 1] * 1000;
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        long below = i == 0 ? 0 : cumulative[i - 1];
        long inBucket = cumulative[i] - below;
        return 1000 * (lower + (bounds[i] - lower) * (inBucket == 0 ? 1 : (rank - below) / inBucket));
      }
    }
    return Double.NaN;
  }

  /** One line for the report: count, p50 and p99 (interpolated), and the exact share within 50 ms. */
  String describe() {
    return String.format(Locale.ROOT, "%d acks, p50 %.1f ms, p99 %.1f ms (bucket-interpolated), %.2f %% within 50 ms",
        count(), quantileMs(0.5), quantileMs(0.99), 100 * shareWithin(0.05));
  }
}
