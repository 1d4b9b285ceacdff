package jp.kurashi.bench;

import java.util.Arrays;

/** Percentiles of recorded latencies in nanoseconds, reported in milliseconds. */
final class Percentiles {

  private final long[] sorted;

  Percentiles(long[] samples) {
    this.sorted = samples.clone();
    Arrays.sort(sorted);
  }

  double ms(double percentile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.floor(percentile / 100.0 * sorted.length));
    return sorted[index] / 1e6;
  }

  int count() {
    return sorted.length;
  }
}
