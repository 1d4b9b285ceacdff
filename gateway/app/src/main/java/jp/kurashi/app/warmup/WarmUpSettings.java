package jp.kurashi.app.warmup;

import jp.kurashi.core.config.ConfigSource;

import java.time.Duration;

/**
 * How much of the message path {@link StartupWarmUp} runs before the gateway listens.
 *
 * @param messages {@code STARTUP_WARMUP_MESSAGES}: web chat messages written to the scratch gateway; 0 turns the
 *                 warm-up off (the gateway then listens a few seconds sooner and answers its first minute slower)
 * @param limit    {@code STARTUP_WARMUP_SECONDS}: the warm-up stops here whatever it has done, so a slow machine
 *                 delays the start by at most this much
 */
public record WarmUpSettings(int messages, Duration limit) {

  /** Off: for tests and tools that start and stop gateways many times. */
  public static final WarmUpSettings OFF = new WarmUpSettings(0, Duration.ofSeconds(1));

  /** Reads both settings; the defaults were measured on the 2-core machine of docs/BENCHMARKS.md. */
  public static WarmUpSettings load(ConfigSource src) {
    return new WarmUpSettings(src.integer("STARTUP_WARMUP_MESSAGES", 3_000, 0, 100_000),
        Duration.ofSeconds(src.integer("STARTUP_WARMUP_SECONDS", 25, 1, 120)));
  }

  /** Whether there is anything to run. */
  public boolean on() {
    return messages > 0;
  }
}
