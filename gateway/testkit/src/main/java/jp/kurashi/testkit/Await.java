package jp.kurashi.testkit;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Blocking helpers for test threads (never call them on an event loop). */
public final class Await {

  private static final Duration DEFAULT = Duration.ofSeconds(30);

  private Await() {
  }

  /** The future's result, or its failure rethrown; fails the test after 30 s. */
  public static <T> T result(Future<T> future) {
    try {
      return future.await(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + DEFAULT, e);
    }
  }

  /** Polls until the condition holds; fails the test after {@code limit}. */
  public static void until(Duration limit, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
