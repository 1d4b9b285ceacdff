package jp.kurashi.core.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters of what the gateway did and refused, and histograms of how long it took, rendered in the
 * Prometheus text format at {@code GET /metrics}. Names and label values are code-defined, never resident input.
 *
 * <pre>{@code
 * metrics.increment("webchat_frames_rejected_total", "reason", "invalid_json");
 * }</pre>
 */
public final class GatewayMetrics {

  /**
   * From a message's arrival (a web chat frame, a LINE webhook) to its acknowledgement, by channel: the wait a
   * resident's app sees, and the figure issue 12's latency goals are stated on.
   */
  public static final String INBOUND_ACK_SECONDS = "inbound_ack_seconds";

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, Map<String, LatencyHistogram>> histograms = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    gauge("jvm_memory_heap_used_bytes", () -> memory.getHeapMemoryUsage().getUsed());
    gauge("jvm_memory_heap_committed_bytes", () -> memory.getHeapMemoryUsage().getCommitted());
  }

  /** Registers a value read at each scrape, such as open sockets. */
  public void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  /** Adds one to the counter {@code name} with one label. */
  public void increment(String name, String label, String value) {
    counters.computeIfAbsent(name + "{" + label + "=\"" + value + "\"}", k -> new LongAdder()).increment();
  }

  /** Adds one to the counter {@code name} without labels. */
  public void increment(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** Adds {@code n} to the counter {@code name} without labels. */
  public void add(String name, long n) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  /**
   * Counts one duration, in nanoseconds of {@link System#nanoTime()} (a monotonic clock: a duration, not a moment,
   * so not the injected wall clock), into the histogram {@code name} with one label.
   */
  public void observe(String name, String label, String value, long nanos) {
    histograms.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(label + "=\"" + value + "\"", k -> new LatencyHistogram()).observe(nanos);
  }

  /** The current value; 0 for a counter never incremented. */
  public long value(String name, String label, String value) {
    LongAdder a = counters.get(name + "{" + label + "=\"" + value + "\"}");
    return a == null ? 0 : a.sum();
  }

  /** All counters, Prometheus text exposition format. */
  public String render() {
    StringBuilder out = new StringBuilder();
    String lastName = null;
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(counters).entrySet()) {
      String key = e.getKey();
      int brace = key.indexOf('{');
      String name = brace < 0 ? key : key.substring(0, brace);
      if (!name.equals(lastName)) {
        out.append("# TYPE ").append(name).append(" counter\n");
        lastName = name;
      }
      out.append(key).append(' ').append(e.getValue().sum()).append('\n');
    }
    for (Map.Entry<String, Map<String, LatencyHistogram>> h : new TreeMap<>(histograms).entrySet()) {
      out.append("# TYPE ").append(h.getKey()).append(" histogram\n");
      new TreeMap<>(h.getValue()).forEach((labels, histogram) -> histogram.render(out, h.getKey(), labels));
    }
    for (Map.Entry<String, LongSupplier> g : new TreeMap<>(gauges).entrySet()) {
      out.append("# TYPE ").append(g.getKey()).append(" gauge\n")
          .append(g.getKey()).append(' ').append(g.getValue().getAsLong()).append('\n');
    }
    return out.toString();
  }
}
