package jp.kurashi.core.triage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.store.TriageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Keeps every gateway instance on the newest rules the chief saved: loads them at start (the bundled
 * ones when none were saved) and looks for newer ones every {@code interval}. Parsing runs on a
 * worker thread; a saved file that no longer parses is logged and the rules in force stay.
 */
public final class TriageRulesRefresh extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TriageRulesRefresh.class);

  private final TriageEngine engine;
  private final TriageStore store;
  private final Duration interval;
  private final int warmUpMessages;
  private long loadedId = -1;
  private long timer = -1;

  /** {@code warmUpMessages}: how many shipped corpus texts to triage before start completes (see {@link TriageEngine#warmUp}). */
  public TriageRulesRefresh(TriageEngine engine, TriageStore store, Duration interval, int warmUpMessages) {
    this.engine = engine;
    this.store = store;
    this.interval = interval;
    this.warmUpMessages = warmUpMessages;
  }

  @Override
  public Future<?> start() {
    return refresh().compose(v -> vertx.executeBlocking(() -> {
      long began = System.nanoTime();
      engine.warmUp(warmUpMessages);
      LOG.atInfo().addKeyValue("messages", warmUpMessages)
          .addKeyValue("ms", java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began))
          .log("triage warmed up");
      return null;
    }, false)).onSuccess(v -> timer = vertx.setPeriodic(interval.toMillis(), id -> refresh()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<Void> refresh() {
    return store.latestRules().compose(saved -> {
      if (saved.isEmpty() || saved.get().id() == loadedId) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> TriageRules.parse(saved.get().content()), false)
          .onSuccess(rules -> {
            engine.replace(rules);
            loadedId = saved.get().id();
            LOG.atInfo().addKeyValue("rulesId", loadedId).addKeyValue("rules", rules.size()).log("triage rules loaded");
          })
          .<Void>mapEmpty()
          .recover(err -> {
            loadedId = saved.get().id();
            LOG.atError().addKeyValue("rulesId", saved.get().id()).addKeyValue("error", err.getMessage())
                .log("saved triage rules do not parse; the rules in force stay");
            return Future.succeededFuture();
          });
    }).recover(err -> {
      LOG.atWarn().addKeyValue("error", err.toString()).log("triage rules not checked");
      return Future.succeededFuture();
    });
  }
}
