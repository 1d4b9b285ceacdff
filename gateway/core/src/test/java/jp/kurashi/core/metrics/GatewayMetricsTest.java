package jp.kurashi.core.metrics;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus text {@code GET /metrics} serves: counters, and histograms an operator takes a p99 from. */
@DisplayName("Gateway metrics")
class GatewayMetricsTest {

  private static long ms(double millis) {
    return (long) (millis * TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Test
  @DisplayName("a histogram counts each duration into the first bucket that holds it, cumulatively, per label")
  void histogram() {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.observe("inbound_ack_seconds", "channel", "webchat", ms(3));
    metrics.observe("inbound_ack_seconds", "channel", "webchat", ms(50));
    metrics.observe("inbound_ack_seconds", "channel", "webchat", ms(50.5));
    metrics.observe("inbound_ack_seconds", "channel", "webchat", TimeUnit.SECONDS.toNanos(60));
    metrics.observe("inbound_ack_seconds", "channel", "line", ms(1));

    String text = metrics.render();

    assertThat(text).containsOnlyOnce("# TYPE inbound_ack_seconds histogram\n")
        .contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"0.0025\"} 0\n")
        .contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"0.005\"} 1\n")
        .as("a bound holds what equals it").contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"0.05\"} 2\n")
        .contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"0.1\"} 3\n")
        .contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"10.0\"} 3\n")
        .contains("inbound_ack_seconds_bucket{channel=\"webchat\",le=\"+Inf\"} 4\n")
        .contains("inbound_ack_seconds_count{channel=\"webchat\"} 4\n")
        .contains("inbound_ack_seconds_sum{channel=\"webchat\"} 60.1035\n")
        .contains("inbound_ack_seconds_bucket{channel=\"line\",le=\"0.001\"} 1\n")
        .contains("inbound_ack_seconds_count{channel=\"line\"} 1\n");
  }

  @Test
  @DisplayName("counters keep one TYPE line per name, their labels beside it")
  void counters() {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.increment("line_events_total", "kind", "message");
    metrics.increment("line_events_total", "kind", "message");
    metrics.increment("line_events_total", "kind", "follow");

    assertThat(metrics.render()).containsOnlyOnce("# TYPE line_events_total counter\n")
        .contains("line_events_total{kind=\"message\"} 2\n", "line_events_total{kind=\"follow\"} 1\n");
    assertThat(metrics.value("line_events_total", "kind", "message")).isEqualTo(2);
  }
}
