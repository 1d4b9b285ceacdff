package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import okhttp3.Call;
import okhttp3.EventListener;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels a call to LINE's API that has not ended within its deadline. The SDK offers only per-step timeouts (connect,
 * each read, each write), so an answer trickling in a byte at a time ran without end; a reply token's try that ran on
 * after the outbox had given up on it could then deliver a message the outbox's retry pushed as well.
 */
final class LineCallDeadline extends EventListener {

  private final Vertx vertx;
  private final long millis;
  private final Map<Call, Long> timers = new ConcurrentHashMap<>();

  LineCallDeadline(Vertx vertx, Duration deadline) {
    this.vertx = vertx;
    this.millis = deadline.toMillis();
  }

  @Override
  public void callStart(Call call) {
    timers.put(call, vertx.setTimer(millis, id -> {
      if (timers.remove(call, id)) {
        call.cancel();
      }
    }));
  }

  @Override
  public void callEnd(Call call) {
    done(call);
  }

  @Override
  public void callFailed(Call call, IOException e) {
    done(call);
  }

  @Override
  public void canceled(Call call) {
    done(call);
  }

  private void done(Call call) {
    Long timer = timers.remove(call);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
