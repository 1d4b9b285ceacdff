package jp.kurashi.core.cases;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.CaseCommandStore;
import jp.kurashi.core.store.CaseCommandStore.Claim;
import jp.kurashi.core.store.CaseCommandStore.Noted;
import jp.kurashi.core.store.CaseMergedException;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DraftSentException;
import jp.kurashi.core.store.HandoffStore;
import jp.kurashi.core.store.HandoffStore.Created;
import jp.kurashi.core.store.HandoffStore.NewHandoff;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.MessageStore.DraftReply;
import jp.kurashi.core.store.NotFoundException;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("Case commands: one transaction each, then their own event with the case's new state")
class CaseCommandsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TEXT = "家賃が払えません、相談したいです";
  private static final String CONFIRMATION = "来週火曜10時に窓口でお待ちしています";

  // Stopped, so the time the reply path writes can be compared exactly.
  private final Clock clock = Clock.fixed(
      TestClocks.ambient().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS), java.time.ZoneOffset.UTC);
  private final List<CaseEvent> events = new CopyOnWriteArrayList<>();
  private Database db;
  private long office;
  private long staffId;
  private MessageStore messages;
  private CaseCommands commands;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx);
    office = TestDatabases.defaultOffice(db);
    messages = new MessageStore(db.pool(), clock);
    CaseEvents bus = CaseEvents.inProcess(vertx);
    bus.subscribe(events::add);
    commands = new CaseCommands(new CaseCommandStore(db.pool(), clock), new HandoffStore(db.pool(), clock),
        new ReplyQueue(vertx, messages, bus, clock), bus, clock);
    staffId = Await.result(new StaffStore(db.pool(), clock).create(office, "sato", "佐藤", Role.CONSULTANT, "x", false));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  /** A resident's first message, an hour before the gateway's now: opens a case. */
  private long openCase(String contact) {
    return Await.result(messages.ingest(office, new InboundMessage("line", "m-" + contact, contact, null, TEXT,
        clock.instant().minus(Duration.ofHours(1))))).caseId();
  }

  private CaseEvent awaitEvent(String type, long caseId) {
    Await.until(WAIT, type, () -> events.stream().anyMatch(e -> e.type().equals(type) && e.caseId() == caseId));
    return events.stream().filter(e -> e.type().equals(type) && e.caseId() == caseId).findFirst().orElseThrow();
  }

  private long count(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.wrap(params))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("a claim publishes case.claimed with the new assignee; a second claim changes nothing and says nothing")
  void claim() {
    long caseId = openCase("U-claim");

    assertThat(Await.result(commands.claim(caseId, staffId, office))).isEqualTo(Claim.CLAIMED);
    CaseEvent claimed = awaitEvent(CaseEvent.CASE_CLAIMED, caseId);
    assertThat(claimed.assigneeId()).isEqualTo(staffId);
    assertThat(claimed.status()).isEqualTo("open");
    assertThat(claimed.urgency()).isNotNull();
    assertThat(claimed.officeId()).isEqualTo(office);
    assertThat(claimed.channel()).isEqualTo("line");
    assertThat(claimed.contactId()).isPositive();

    assertThat(Await.result(commands.claim(caseId, staffId, office))).isEqualTo(Claim.TAKEN);
    assertThat(Await.result(commands.claim(caseId, staffId, office + 1000))).isEqualTo(Claim.NOT_FOUND);
    assertThat(events.stream().filter(e -> e.type().equals(CaseEvent.CASE_CLAIMED))).hasSize(1);
  }

  @Test
  @DisplayName("close and reopen publish the case's status; closing a closed case is refused without an event")
  void closeAndReopen() {
    long caseId = openCase("U-close");

    assertThat(Await.result(commands.close(caseId, "referred"))).isTrue();
    assertThat(awaitEvent(CaseEvent.CASE_CLOSED, caseId).status()).isEqualTo("closed");
    assertThat(Await.result(commands.close(caseId, "referred"))).isFalse();
    assertThat(Await.result(commands.reopen(caseId))).isTrue();
    assertThat(awaitEvent(CaseEvent.CASE_REOPENED, caseId).status()).isEqualTo("open");
    assertThat(events.stream().filter(e -> e.type().equals(CaseEvent.CASE_CLOSED))).hasSize(1);
  }

  @Test
  @DisplayName("a handoff queues its confirmation through the reply path: outbox row, case touched, message.queued")
  void handoffWithConfirmation() {
    long caseId = openCase("U-handoff");

    Created created = Await.result(commands.handoff(new NewHandoff(caseId, "appointment",
        clock.instant().plus(Duration.ofDays(7)), null, "窓口で面談", staffId, null), CONFIRMATION));

    long messageId = created.confirmation().messageId();
    assertThat(count("SELECT count(*) FROM outbox WHERE message_id = $1", messageId)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM handoff WHERE id = $1 AND message_id = $2", created.handoffId(), messageId))
        .isEqualTo(1);
    // The reply path's TOUCH_CASE: the queue sorts by the case's last message, which is now the confirmation.
    Row touched = Await.result(db.pool().preparedQuery("SELECT last_message_at FROM consultation_case WHERE id = $1")
        .execute(Tuple.of(caseId))).iterator().next();
    assertThat(touched.getOffsetDateTime(0).toInstant()).isEqualTo(clock.instant());

    CaseEvent handoff = awaitEvent(CaseEvent.HANDOFF_CREATED, caseId);
    assertThat(handoff.handoffId()).isEqualTo(created.handoffId());
    assertThat(handoff.messageId()).isEqualTo(messageId);
    assertThat(awaitEvent(CaseEvent.MESSAGE_QUEUED, caseId).messageId()).isEqualTo(messageId);
    assertThat(events).allSatisfy(e -> assertThat(e.toJson().encode()).doesNotContain(CONFIRMATION).doesNotContain(TEXT));
  }

  @Test
  @DisplayName("a handoff's draft sent again, even at the same moment, is recorded and confirmed once")
  void handoffDraftOnce() {
    long caseId = openCase("U-draft");
    UUID draft = UUID.fromString("6f1c2a8e-0d3b-4b7a-9e55-1a2b3c4d5e6f");
    NewHandoff handoff = new NewHandoff(caseId, "outreach", null, null, "訪問", staffId, null);

    // Two sends of one draft at once (a double click, a resend after a lost answer): the second waits for the first.
    List<Created> both = Await.result(Future.all(commands.handoff(handoff, CONFIRMATION, draft),
        commands.handoff(handoff, CONFIRMATION, draft))).list();
    Created later = Await.result(commands.handoff(handoff, CONFIRMATION, draft));

    assertThat(both).extracting(Created::handoffId).containsOnly(later.handoffId());
    assertThat(both).filteredOn(c -> !c.alreadyRecorded()).hasSize(1);
    assertThat(later.alreadyRecorded()).isTrue();
    assertThat(later.confirmation()).isNull();
    assertThat(count("SELECT count(*) FROM handoff WHERE case_id = $1", caseId)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(1);
    awaitEvent(CaseEvent.HANDOFF_CREATED, caseId);
    assertThat(events.stream().filter(e -> e.type().equals(CaseEvent.HANDOFF_CREATED))).hasSize(1);
    // The same draft with a corrected value is refused, not dropped as a repeat.
    assertThatThrownBy(() -> Await.result(commands.handoff(new NewHandoff(caseId, "outreach", null, null, "訪問は午後",
        staffId, null), CONFIRMATION, draft))).isInstanceOf(DraftSentException.class);
    // Another draft on the same case is another handoff.
    assertThat(Await.result(commands.handoff(handoff, CONFIRMATION, UUID.randomUUID())).alreadyRecorded()).isFalse();
    assertThat(count("SELECT count(*) FROM handoff WHERE case_id = $1", caseId)).isEqualTo(2);
  }

  @Test
  @DisplayName("a handoff that fails leaves no confirmation behind: message, outbox row and handoff are one transaction")
  void handoffIsOneTransaction() {
    long caseId = openCase("U-atomic");
    long before = count("SELECT count(*) FROM message WHERE case_id = $1", caseId);

    // An agency that does not exist: the handoff row is refused after the confirmation was inserted.
    assertThatThrownBy(() -> Await.result(commands.handoff(new NewHandoff(caseId, "referral", null, 999_999L, null,
        staffId, true), CONFIRMATION))).isNotNull();

    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", caseId)).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM outbox")).isZero();
    assertThat(count("SELECT count(*) FROM handoff")).isZero();
    assertThatThrownBy(() -> Await.result(commands.handoff(new NewHandoff(987_654L, "outreach", null, null, null,
        staffId, null), CONFIRMATION))).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("a handoff without a confirmation (no channel) queues nothing and still publishes handoff.created")
  void handoffWithoutConfirmation() {
    long caseId = openCase("U-phone");

    Created created = Await.result(commands.handoff(new NewHandoff(caseId, "outreach", null, null, "訪問", staffId,
        null), null));

    assertThat(created.confirmation()).isNull();
    assertThat(count("SELECT count(*) FROM outbox")).isZero();
    CaseEvent handoff = awaitEvent(CaseEvent.HANDOFF_CREATED, caseId);
    assertThat(handoff.handoffId()).isEqualTo(created.handoffId());
    assertThat(handoff.messageId()).isNull();
  }

  @Test
  @DisplayName("a merge moves the thread and says which case was kept; a failed reply retried goes back to the outbox")
  void mergeAndRetry() {
    long duplicate = openCase("U-dup");
    long kept = openCase("U-kept");

    assertThat(Await.result(commands.merge(duplicate, kept, office, java.util.List.of()))).isTrue();
    CaseEvent merged = awaitEvent(CaseEvent.CASE_MERGED, duplicate);
    assertThat(merged.otherCaseId()).isEqualTo(kept);
    assertThat(merged.status()).isEqualTo("closed");
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", duplicate)).isZero();

    long reply = Await.result(messages.queueReply(kept, staffId, "お電話ください")).messageId();
    assertThat(Await.result(commands.retry(kept, reply, OptionalLong.empty())).outcome()).as("not failed yet")
        .isEqualTo(CaseCommands.RetryOutcome.NOT_FAILED);
    Await.result(db.pool().preparedQuery("UPDATE outbox SET status = 'failed' WHERE message_id = $1").execute(Tuple.of(reply)));
    assertThat(Await.result(commands.retry(kept, reply, OptionalLong.empty())).outcome())
        .isEqualTo(CaseCommands.RetryOutcome.QUEUED);
    assertThat(awaitEvent(CaseEvent.REPLY_RETRIED, kept).messageId()).isEqualTo(reply);
    assertThat(count("SELECT count(*) FROM outbox WHERE message_id = $1 AND status = 'pending'", reply)).isEqualTo(1);
  }

  @Test
  @DisplayName("a note or reply sent again after its case was merged is known as sent, through merges in turn; a draft both cases hold does not stop a merge")
  void draftsFollowTheMerge() {
    long duplicate = openCase("U-dup3");
    long kept = openCase("U-kept3");
    long last = openCase("U-last3");
    java.util.UUID noteDraft = java.util.UUID.randomUUID();
    java.util.UUID replyDraft = java.util.UUID.randomUUID();
    java.util.UUID shared = java.util.UUID.randomUUID();
    long note = Await.result(commands.note(duplicate, staffId, "家計を一緒に見直す", noteDraft)).messageId();
    long reply = Await.result(messages.queueDraft(duplicate, staffId, "明日お電話します", replyDraft)).reply().messageId();
    // A client that reused one draft id on two cases.
    Await.result(commands.note(duplicate, staffId, "メモ", shared));
    Await.result(commands.note(kept, staffId, "メモ", shared));

    assertThat(Await.result(commands.merge(duplicate, kept, office, java.util.List.of()))).isTrue();

    Noted again = Await.result(commands.note(duplicate, staffId, "家計を一緒に見直す", noteDraft));
    assertThat(again.alreadyStored()).isTrue();
    assertThat(again.messageId()).isEqualTo(note);
    DraftReply replyAgain = Await.result(messages.queueDraft(duplicate, staffId, "明日お電話します", replyDraft));
    assertThat(replyAgain.alreadyQueued()).isTrue();
    assertThat(replyAgain.reply().messageId()).isEqualTo(reply);
    assertThatThrownBy(() -> Await.result(commands.note(duplicate, staffId, "別の文面", noteDraft)))
        .isInstanceOf(DraftSentException.class);
    assertThatThrownBy(() -> Await.result(commands.note(duplicate, staffId, "新しいメモ", java.util.UUID.randomUUID())))
        .isInstanceOf(CaseMergedException.class);

    assertThat(Await.result(commands.merge(kept, last, office, java.util.List.of()))).isTrue();
    assertThat(Await.result(commands.note(duplicate, staffId, "家計を一緒に見直す", noteDraft)).alreadyStored())
        .as("merged in turn").isTrue();
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1 AND direction = 'note' AND draft_id IS NOT NULL", last))
        .as("the note, and one of the two that shared a draft").isEqualTo(2);
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1 AND staff_id IS NOT NULL", last)).isEqualTo(4);
  }

  @Test
  @DisplayName("a reply queued while a merge of its case runs waits for it and is refused: none is left on the merged-away case")
  void replyDuringMerge() throws Exception {
    long duplicate = openCase("U-dup4");
    long kept = openCase("U-kept4");
    io.vertx.sqlclient.SqlConnection merging = Await.result(db.pool().getConnection());
    try {
      io.vertx.sqlclient.Transaction merge = Await.result(merging.begin());
      // The merge's first steps, as CaseCommandSql.MERGE takes them: the duplicate's row is locked and marked.
      Await.result(merging.preparedQuery("UPDATE consultation_case SET merged_into = $2, status = 'closed', "
          + "closed_at = now(), outcome = 'other' WHERE id = $1").execute(Tuple.of(duplicate, kept)));
      int mergePid = Await.result(merging.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
      Future<?> reply = messages.queueReply(duplicate, staffId, "明日お電話します");
      Await.until(WAIT, "the reply waiting for the merge", () -> count(
          "SELECT count(*) FROM pg_stat_activity WHERE " + mergePid + " = ANY(pg_blocking_pids(pid))") > 0);
      Await.result(merging.preparedQuery("UPDATE message SET case_id = $2 WHERE case_id = $1").execute(Tuple.of(duplicate, kept)));
      Await.result(merge.commit());

      Await.result(reply.otherwiseEmpty());
      assertThat(reply.cause()).isInstanceOf(CaseMergedException.class);
    } finally {
      Await.result(merging.close());
    }
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", duplicate)).isZero();
  }

  @Test
  @DisplayName("an automatic notice for a case merged while it waits, or before, is stored on the kept case and goes to the resident who wrote")
  void noticeDuringMerge() throws Exception {
    long duplicate = openCase("U-dup6");
    long kept = openCase("U-kept6");
    long answeredContact = count("SELECT contact_id FROM consultation_case WHERE id = $1", duplicate);
    java.util.Map<String, String> texts = java.util.Map.of("ja", "受付時間外です");
    io.vertx.sqlclient.SqlConnection merging = Await.result(db.pool().getConnection());
    Future<java.util.Optional<MessageStore.QueuedReply>> notice;
    try {
      io.vertx.sqlclient.Transaction merge = Await.result(merging.begin());
      Await.result(merging.preparedQuery("UPDATE consultation_case SET merged_into = $2, status = 'closed', "
          + "closed_at = now(), outcome = 'other' WHERE id = $1").execute(Tuple.of(duplicate, kept)));
      int mergePid = Await.result(merging.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
      notice = messages.queueAutoNotice(duplicate, Duration.ofMinutes(30), texts, "Closed");
      Await.until(WAIT, "the notice waiting for the merge", () -> count(
          "SELECT count(*) FROM pg_stat_activity WHERE " + mergePid + " = ANY(pg_blocking_pids(pid))") > 0);
      Await.result(merging.preparedQuery("UPDATE message SET case_id = $2 WHERE case_id = $1").execute(Tuple.of(duplicate, kept)));
      Await.result(merge.commit());
    } finally {
      Await.result(merging.close());
    }

    MessageStore.QueuedReply queued = Await.result(notice).orElseThrow();
    assertThat(queued.caseId()).isEqualTo(kept);
    assertThat(queued.contactId()).isEqualTo(answeredContact);
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", duplicate)).isZero();
    assertThat(count("SELECT count(*) FROM message m JOIN outbox o ON o.message_id = m.id WHERE m.case_id = $1 "
        + "AND m.contact_id = $2 AND m.direction = 'out' AND m.staff_id IS NULL", kept, answeredContact)).isOne();

    // Merged in turn, before the safety message is queued: it follows both merges, and the kept case's slot decides.
    long last = openCase("U-last6");
    assertThat(Await.result(commands.merge(kept, last, office, java.util.List.of()))).isTrue();
    MessageStore.QueuedReply safety = Await.result(messages.queueSafetyNotice(duplicate, Duration.ofMinutes(30), texts,
        "Closed", true)).orElseThrow();
    assertThat(safety.caseId()).isEqualTo(last);
    assertThat(safety.contactId()).isEqualTo(answeredContact);
    assertThat(Await.result(messages.queueAutoNotice(duplicate, Duration.ofMinutes(30), texts, "Closed")))
        .as("the safety message took the kept case's notice slot").isEmpty();
    assertThat(count("SELECT count(*) FROM message WHERE case_id IN ($1, $2) AND direction = 'out'", duplicate, kept))
        .isZero();

    // A resident who had the night's notice on a case then merged into one that had none: a notice still owed for
    // their next message follows the merge and finds the slot taken, as it would have been on their own case.
    long noticed = openCase("U-noticed6");
    long into = openCase("U-into6");
    assertThat(Await.result(messages.queueAutoNotice(noticed, Duration.ofMinutes(30), texts, "Closed"))).isPresent();
    assertThat(Await.result(commands.merge(noticed, into, office, java.util.List.of()))).isTrue();
    assertThat(Await.result(messages.queueAutoNotice(noticed, Duration.ofMinutes(30), texts, "Closed")))
        .as("the slot came with the merge").isEmpty();
  }

  @Test
  @DisplayName("a case merged into an older closed one moves its closing forward, so retention counts from the later end; an erased case takes no merge")
  void mergeIntoClosedOrErased() {
    long old = openCase("U-old");
    Await.result(db.pool().preparedQuery("UPDATE consultation_case SET status = 'closed', outcome = 'other', "
        + "closed_at = $2 WHERE id = $1").execute(Tuple.of(old, clock.instant().minus(Duration.ofDays(4 * 365))
        .atOffset(java.time.ZoneOffset.UTC))));
    long current = openCase("U-current");

    assertThat(Await.result(commands.merge(current, old, office, java.util.List.of()))).isTrue();
    assertThat(count("SELECT count(*) FROM consultation_case k JOIN consultation_case d ON d.merged_into = k.id "
        + "WHERE k.id = $1 AND k.closed_at = d.closed_at AND k.closed_at = $2", old, clock.instant()
        .atOffset(java.time.ZoneOffset.UTC))).as("the kept case closes when the merged one did").isOne();

    long erased = openCase("U-erased");
    long another = openCase("U-another");
    Await.result(db.pool().preparedQuery("UPDATE consultation_case SET status = 'closed', outcome = 'other', "
        + "closed_at = $2, erased_at = $2, contact_id = NULL WHERE id = $1")
        .execute(Tuple.of(erased, clock.instant().atOffset(java.time.ZoneOffset.UTC))));
    assertThat(Await.result(commands.merge(another, erased, office, java.util.List.of()))).isFalse();
    assertThat(Await.result(commands.merge(erased, another, office, java.util.List.of()))).isFalse();
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", another)).isOne();
  }

  @Test
  @DisplayName("a merge into a case retention is erasing at that moment waits for it, then does nothing")
  void mergeRacingErasure() throws Exception {
    long kept = openCase("U-erasing");
    long current = openCase("U-current2");
    io.vertx.sqlclient.SqlConnection retention = Await.result(db.pool().getConnection());
    try {
      io.vertx.sqlclient.Transaction erasing = Await.result(retention.begin());
      Await.result(retention.preparedQuery("UPDATE consultation_case SET status = 'closed', outcome = 'other', "
              + "closed_at = $2, erased_at = $2, contact_id = NULL WHERE id = $1")
          .execute(Tuple.of(kept, clock.instant().atOffset(java.time.ZoneOffset.UTC))));
      io.vertx.core.Future<Boolean> merged = commands.merge(current, kept, office, java.util.List.of());
      Thread.sleep(300); // the merge now waits for the erasure's lock
      Await.result(erasing.commit());
      assertThat(Await.result(merged)).isFalse();
    } finally {
      Await.result(retention.close());
    }
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", current)).isOne();
    assertThat(count("SELECT count(*) FROM consultation_case WHERE id = $1 AND merged_into IS NULL AND status = 'open'",
        current)).isOne();
  }

  @Test
  @DisplayName("a merge's audit rows commit with it: when they cannot be written, nothing moves")
  void mergeAuditedInItsCommit() {
    long duplicate = openCase("U-dup2");
    long kept = openCase("U-kept2");
    AuditLog.AuditEntry unknownStaff = new AuditLog.AuditEntry(null, 999_999L, kept, "case.merge", true, null, null);
    assertThatThrownBy(() -> Await.result(commands.merge(duplicate, kept, office, java.util.List.of(unknownStaff))))
        .isNotNull();
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", duplicate)).isOne();
    assertThat(count("SELECT count(*) FROM consultation_case WHERE id = $1 AND merged_into IS NULL", duplicate)).isOne();

    AuditLog.AuditEntry row = new AuditLog.AuditEntry(null, staffId, kept, "case.merge", true, null, null);
    assertThat(Await.result(commands.merge(duplicate, kept, office, java.util.List.of(row)))).isTrue();
    assertThat(count("SELECT count(*) FROM audit_log WHERE case_id = $1 AND action = 'case.merge'", kept)).isOne();
  }

  @Test
  @DisplayName("the new state survives the Redis bus's JSON: every field of a command's event is read back")
  void eventJson() {
    long caseId = openCase("U-json");
    Await.result(commands.complaint(caseId, true));
    CaseEvent complaint = awaitEvent(CaseEvent.COMPLAINT_RECORDED, caseId);
    assertThat(complaint.complaint()).isTrue();
    assertThat(CaseEvent.fromJson(complaint.toJson())).isEqualTo(complaint);
    CaseEvent message = new CaseEvent(CaseEvent.MESSAGE_RECEIVED, office, caseId, 1, 2L, "line", clock.instant());
    assertThat(message.toJson().fieldNames()).doesNotContain("status", "assigneeId", "otherCaseId");
    assertThat(CaseEvent.fromJson(message.toJson())).isEqualTo(message);
    assertThat(message.forStaff()).isTrue();
    assertThat(new CaseEvent(CaseEvent.CHAT_ENDED, office, 0, 1, null, "webchat", clock.instant()).forStaff())
        .as("a chat's end is between instances").isFalse();
  }
}
