package jp.kurashi.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * How long something took, counted into fixed buckets as a Prometheus histogram: an operator's
 * {@code histogram_quantile(0.99, ...)} gives the p99, and the share under one bucket's bound is exact.
 */
final class LatencyHistogram {

  /** Upper bounds in seconds; 0.05 is there because a web chat ack within 50 ms is a target (issue 12). */
  static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void observe(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
  }

  /** The series of one histogram: cumulative buckets, sum and count, each with {@code labels} (may be empty). */
  void render(StringBuilder out, String name, String labels) {
    String comma = labels.isEmpty() ? "" : labels + ",";
    long cumulative = 0;
    for (int i = 0; i < buckets.length; i++) {
      cumulative += buckets[i].sum();
      String le = i < BOUNDS.length ? Double.toString(BOUNDS[i]) : "+Inf";
      out.append(name).append("_bucket{").append(comma).append("le=\"").append(le).append("\"} ")
          .append(cumulative).append('\n');
    }
    String braces = labels.isEmpty() ? "" : "{" + labels + "}";
    out.append(name).append("_sum").append(braces).append(' ').append(sumNanos.sum() / 1e9).append('\n');
    out.append(name).append("_count").append(braces).append(' ').append(cumulative).append('\n');
  }
}
