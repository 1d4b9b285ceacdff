package jp.kurashi.core.triage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.store.TriageModelStore.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Keeps every gateway instance on the newest model the chief installed: loads it at start (the shipped
 * model stays when none was installed) and looks for a newer one every {@code interval}; only the id is
 * read until there is a new one. Reading the file runs on a worker thread. A saved model that no longer
 * reads (a gateway whose model format changed) is logged once and the model in force stays.
 */
public final class TriageModelRefresh extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TriageModelRefresh.class);

  private final TriageModelInForce inForce;
  private final TriageModelStore store;
  private final Duration interval;
  private long unusableId = -1;
  private long timer = -1;

  public TriageModelRefresh(TriageModelInForce inForce, TriageModelStore store, Duration interval) {
    this.inForce = inForce;
    this.store = store;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    return refresh().onSuccess(v -> timer = vertx.setPeriodic(interval.toMillis(), id -> refresh()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Puts the newest saved model in force if it is newer than the one in force; never fails. */
  public Future<Void> refresh() {
    return store.latestId().compose(latest -> {
      if (latest.isEmpty() || latest.get() <= inForce.current().savedId() || latest.get() == unusableId) {
        return Future.<Void>succeededFuture();
      }
      return store.file(latest.get()).compose(file -> file.isEmpty() ? Future.<Void>succeededFuture() : load(file.get()));
    }).recover(err -> {
      LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err)).log("triage model not checked");
      return Future.succeededFuture();
    });
  }

  private Future<Void> load(ModelFile file) {
    return vertx.executeBlocking(() -> {
      TriageModel model = TriageModel.read(file.content());
      return new Loaded(model, TriageCorpus.bundledSha256().equals(file.evaluatedCorpusSha256()));
    }, false).onSuccess(loaded -> {
      if (inForce.install(loaded.model(), file.sha256(), file.id())) {
        LOG.atInfo().addKeyValue("modelId", file.id()).addKeyValue("sha256", file.sha256())
            .addKeyValue("features", loaded.model().features()).log("triage model loaded");
      }
      if (!loaded.checkedOnShippedCorpus()) {
        LOG.atWarn().addKeyValue("modelId", file.id())
            .log("the installed triage model was checked against an older shipped corpus; retrain it on this version's corpus");
      }
    }).<Void>mapEmpty().recover(err -> {
      unusableId = file.id();
      LOG.atError().addKeyValue("modelId", file.id()).addKeyValue("error", err.getMessage())
          .log("saved triage model does not read; the model in force stays");
      return Future.succeededFuture();
    });
  }

  private record Loaded(TriageModel model, boolean checkedOnShippedCorpus) {
  }
}
