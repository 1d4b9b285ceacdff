package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.StaffRecordedConsultation;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.StaffCaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Where a consultation staff took by phone, at the window, on a visit or from an agency enters the queue: the case
 * is opened with the consultation as its first message, then triaged like any resident message (urgency, categories,
 * the crisis alert to consoles) but answered by no automatic message, since there is no channel to send one on.
 *
 * <pre>{@code
 * intake.record(officeId, new StaffRecordedConsultation("phone", "self", "山田", text, at, null, staffId))
 *     .onSuccess(stored -> answer(201, stored.caseId()));
 * }</pre>
 */
public final class StaffIntake {

  private static final Logger LOG = LoggerFactory.getLogger(StaffIntake.class);

  private final StaffCaseStore store;
  private final java.util.function.LongFunction<TriageStep> triage;
  private final CaseEvents events;

  /** {@code triage} must be {@link TriageStep#withoutNotices}. */
  public StaffIntake(StaffCaseStore store, TriageStep triage, CaseEvents events) {
    this(store, office -> triage, events);
  }

  /**
   * For a deployment of several offices: {@code triage} gives each office's step ({@link TriageStep#withoutNotices}),
   * whose live events reach that office's staff.
   */
  public StaffIntake(StaffCaseStore store, java.util.function.LongFunction<TriageStep> triage, CaseEvents events) {
    this.store = store;
    this.triage = triage;
    this.events = events;
  }

  /** Completes once the case is stored and triaged (a failed triage is logged: the case stays, as normal). */
  public Future<IngestResult> record(long officeId, StaffRecordedConsultation c) {
    return record(officeId, c, null);
  }

  /**
   * As above, once per console draft ({@code null}: none): a draft recorded before answers with its case as a
   * duplicate, not announced again; its triage runs again, which records nothing when it has a result, and gives one to
   * a case whose first request died between its commit and its triage.
   */
  public Future<IngestResult> record(long officeId, StaffRecordedConsultation c, UUID draftId) {
    // Normalised as a resident's message is, so triage and search see the same text whoever typed it.
    InboundMessage clean = InboundText.normalise(new InboundMessage(c.route(), "staff", "staff", c.name(), c.text(),
        c.at()));
    StaffRecordedConsultation normalised = new StaffRecordedConsultation(c.route(), c.consulter(), clean.contactName(),
        clean.text(), c.at(), c.agencyId(), c.staffId());
    Future<IngestResult> opened = draftId == null ? store.open(officeId, normalised)
        : store.open(officeId, normalised, draftId);
    return opened.compose(stored -> stored.duplicate() ? triaged(officeId, clean, stored).map(stored)
        : triageAndAnnounce(officeId, c, clean, stored));
  }

  /** Triage as for any message; a failure is logged and the case stays, as normal. */
  private Future<Void> triaged(long officeId, InboundMessage clean, IngestResult stored) {
    return triage.apply(officeId).apply(clean, stored)
        .recover(err -> {
          LOG.atError().addKeyValue("caseId", stored.caseId()).addKeyValue("error", DatabaseFailures.describe(err))
              .log("staff-recorded consultation not triaged");
          return Future.succeededFuture();
        });
  }

  /** A newly recorded case: triaged as any message, then announced to the office's consoles. */
  private Future<IngestResult> triageAndAnnounce(long officeId, StaffRecordedConsultation c, InboundMessage clean,
                                                 IngestResult stored) {
    LOG.atInfo().addKeyValue("channel", c.route()).addKeyValue("caseId", stored.caseId())
        .addKeyValue("messageId", stored.messageId()).addKeyValue("staffId", c.staffId())
        .log("staff-recorded consultation stored");
    return triaged(officeId, clean, stored)
        .compose(v -> events.publish(new CaseEvent(CaseEvent.MESSAGE_RECEIVED, officeId, stored.caseId(),
            stored.contactId(), stored.messageId(), c.route(), c.at())))
        .recover(err -> Future.succeededFuture())
        .map(stored);
  }
}
