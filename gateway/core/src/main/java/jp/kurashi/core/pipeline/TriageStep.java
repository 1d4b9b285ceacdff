package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.Urgency;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Triages each new resident message (on a worker thread: the analyser is CPU work), folds the
 * result into its case and raises the crisis alert for consoles; then hands the verdict to
 * {@link AutomaticNotice}, which sends the one automatic message the message gets (the safety message on a
 * crisis at once, whatever the hour, with the opening hours in it while the desk is closed; else the
 * out-of-hours notice while closed). Deciding both after triage, in one place, is what keeps a crisis at
 * night to one message. When triage fails, the message is still answered as a non-crisis one. A consultation staff
 * recorded (by phone, at the window) is triaged {@link #withoutNotices without} any: there is no channel to send on.
 */
public final class TriageStep implements AfterIngest {

  private static final Logger LOG = LoggerFactory.getLogger(TriageStep.class);

  private final Vertx vertx;
  private final TriageEngine engine;
  private final TriageStore store;
  private final CaseEvents events;
  private final AutomaticNotice notices;
  private final long officeId;
  private final Clock clock;

  public TriageStep(Vertx vertx, long officeId, TriageEngine engine, TriageStore store, CaseEvents events,
                    AutomaticNotice notices, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.officeId = officeId;
    this.engine = engine;
    this.store = store;
    this.events = events;
    this.notices = notices;
  }

  /** Triage, crisis alert and events as for any message, and no automatic message at all. */
  public static TriageStep withoutNotices(Vertx vertx, long officeId, TriageEngine engine, TriageStore store,
                                          CaseEvents events, Clock clock) {
    return new TriageStep(vertx, officeId, engine, store, events, null, clock);
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
    // Whether this run must confirm the answer: it may owe one, or the result was stored earlier (a resume), pending.
    AtomicBoolean confirm = new AtomicBoolean();
    Future<Boolean> crisis = vertx.executeBlocking(() -> engine.triage(TriageText.of(message)), false).compose(result -> {
      LOG.atInfo().addKeyValue("caseId", stored.caseId()).addKeyValue("messageId", stored.messageId())
          .addKeyValue("categories", result.categories()).addKeyValue("urgency", result.urgency().code())
          .log("message triaged");
      boolean isCrisis = result.urgency() == Urgency.CRISIS;
      // Until the answer is decided the result stays pending, so a failure or a crash between this commit and the
      // answer's own brings the sweep back to the message: a crisis at night must not go without its safety message.
      boolean answerOwed = notices != null && notices.mayAnswer(message, isCrisis);
      return store.record(stored.messageId(), stored.caseId(), result.categories(), result.urgency().code(),
              result.matchedJson(), answerOwed)
          .compose(recorded -> {
            confirm.set(answerOwed || !recorded);
            // A result stored earlier (the sweep resuming a pending answer) was announced then: consoles are not
            // alerted again at every sweep while the answer keeps failing.
            Future<Void> announced = recorded ? publish(CaseEvent.CASE_TRIAGED, message, stored) : Future.succeededFuture();
            return announced.compose(v -> !isCrisis ? Future.succeededFuture(false)
                : recorded ? crisis(message, stored) : Future.succeededFuture(true));
          });
    });
    // A failed triage still leaves the resident answered (out-of-hours notice), and is still reported as failed.
    if (notices == null) {
      return crisis.<Void>mapEmpty();
    }
    return crisis.transform(verdict -> notices.send(message, stored, verdict.succeeded() && verdict.result())
        .compose(sent -> confirm.get() ? store.answerDecided(stored.messageId()) : Future.<Void>succeededFuture())
        .transform(sent -> verdict.failed() ? Future.<Void>failedFuture(verdict.cause())
            : sent.failed() ? Future.<Void>failedFuture(sent.cause()) : Future.<Void>succeededFuture()));
  }

  private Future<Boolean> crisis(InboundMessage message, IngestResult stored) {
    LOG.atWarn().addKeyValue("caseId", stored.caseId()).addKeyValue("channel", message.channel())
        .addKeyValue("safetyMessage", notices != null).log("crisis found: alert");
    return publish(CaseEvent.CASE_CRISIS, message, stored).map(true);
  }

  private Future<Void> publish(String type, InboundMessage message, IngestResult stored) {
    return events.publish(new CaseEvent(type, officeId, stored.caseId(), stored.contactId(), stored.messageId(),
        message.channel(), clock.instant())).recover(err -> Future.succeededFuture());
  }
}
