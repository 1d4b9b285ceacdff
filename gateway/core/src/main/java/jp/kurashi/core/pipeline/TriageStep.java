package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageResult;
import jp.kurashi.core.triage.Urgency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Clock;

/**
 * Triages each new resident message (on a worker thread: the analyser is CPU work), folds the
 * result into its case, and on a crisis sends the safety message on the resident's own channel at
 * once, whatever the hour, and raises the crisis alert for consoles.
 */
public final class TriageStep implements AfterIngest {

  private static final Logger LOG = LoggerFactory.getLogger(TriageStep.class);

  private final Vertx vertx;
  private final TriageEngine engine;
  private final TriageStore store;
  private final ReplyQueue replies;
  private final CaseEvents events;
  private final OfficeProfile profile;
  private final long officeId;
  private final Duration safetyGap;
  private final Clock clock;

  public TriageStep(Vertx vertx, long officeId, TriageEngine engine, TriageStore store, ReplyQueue replies,
                    CaseEvents events, OfficeProfile profile, Duration safetyGap, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.officeId = officeId;
    this.engine = engine;
    this.store = store;
    this.replies = replies;
    this.events = events;
    this.profile = profile;
    this.safetyGap = safetyGap;
  }

  @Override
  public String name() {
    return "triage";
  }

  @Override
  public Future<Void> apply(InboundMessage message, IngestResult stored) {
    if (message.automated()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> engine.triage(message.text()), false).compose(result -> {
      LOG.atInfo().addKeyValue("caseId", stored.caseId()).addKeyValue("messageId", stored.messageId())
          .addKeyValue("categories", result.categories()).addKeyValue("urgency", result.urgency().code())
          .log("message triaged");
      return store.record(stored.messageId(), stored.caseId(), result.categories(), result.urgency().code(),
              result.matchedJson())
          .compose(caseUrgency -> publish(CaseEvent.CASE_TRIAGED, message, stored))
          .compose(v -> result.urgency() == Urgency.CRISIS ? crisis(message, stored, result) : Future.succeededFuture());
    });
  }

  private Future<Void> crisis(InboundMessage message, IngestResult stored, TriageResult result) {
    LOG.atWarn().addKeyValue("caseId", stored.caseId()).addKeyValue("channel", message.channel())
        .log("crisis found: safety message and alert");
    return publish(CaseEvent.CASE_CRISIS, message, stored)
        .compose(v -> store.claimSafetyNotice(stored.caseId(), safetyGap))
        .compose(claimed -> {
          if (claimed.isEmpty()) {
            return Future.succeededFuture();
          }
          String language = claimed.get().isEmpty() ? "ja" : claimed.get();
          String text = profile.safetyMessage().in(language) + "\n\n" + profile.hotlinesText(language);
          return replies.queueSystem(stored.caseId(), text).mapEmpty();
        });
  }

  private Future<Void> publish(String type, InboundMessage message, IngestResult stored) {
    return events.publish(new CaseEvent(type, officeId, stored.caseId(), stored.contactId(), stored.messageId(),
        message.channel(), clock.instant())).recover(err -> Future.succeededFuture());
  }
}
