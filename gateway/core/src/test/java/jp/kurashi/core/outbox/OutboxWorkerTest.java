package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.CaseCommandStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

@ExtendWith(VertxExtension.class)
@DisplayName("The outbox worker")
class OutboxWorkerTest {

  private final Clock clock = TestClocks.ambient();

  private static final Duration WAIT = Duration.ofSeconds(20);

  private Vertx vertx;
  private Database db;
  private long office;
  private MessageStore messages;
  private CaseEvents events;
  private final List<CaseEvent> seen = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    db = TestDatabases.fresh(vertx, 16);
    office = TestDatabases.defaultOffice(db);
    messages = new MessageStore(db.pool(), clock);
    events = CaseEvents.inProcess(vertx);
    events.subscribe(seen::add);
  }

  @AfterEach
  void tearDown() {
    deployments.forEach(id -> Await.result(vertx.undeploy(id)));
    Await.result(db.close());
  }

  private static OutboxSettings settings(int maxAttempts) {
    return new OutboxSettings(16, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(5),
        new RetryPolicy(maxAttempts, Duration.ofMillis(20), Duration.ofMillis(200)));
  }

  private void deployWorker(ScriptedChannel channel, OutboxSettings settings) {
    ChannelRegistry registry = new ChannelRegistry().register(channel);
    OutboxWorker worker = new OutboxWorker(new OutboxStore(db.pool()), registry, events, settings, clock);
    deployments.add(Await.result(vertx.deployVerticle(worker)));
  }

  private long openCase(String channel, String contact) {
    IngestResult r = Await.result(messages.ingest(office,
        new InboundMessage(channel, "in-" + contact, contact, null, "相談したいです", clock.instant())));
    return r.caseId();
  }

  private long staffId() {
    return Await.result(db.pool().query("""
        INSERT INTO staff (office_id, login, display_name, role, password_hash)
        SELECT id, 'worker-test', '相談員', 'consultant', 'x' FROM office WHERE code = 'default'
        RETURNING id""").execute()).iterator().next().getLong("id");
  }

  private Row messageRow(long id) {
    return Await.result(db.pool().preparedQuery("SELECT delivery, delivery_error, external_id FROM message WHERE id = $1")
        .execute(Tuple.of(id))).iterator().next();
  }

  @Test
  @DisplayName("delivers a queued reply and marks it sent")
  void deliversReply() {
    ScriptedChannel line = ScriptedChannel.accepting("line");
    deployWorker(line, settings(3));
    long caseId = openCase("line", "U1");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "ご連絡ありがとうございます")).messageId();

    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(messageId).getString("delivery")));
    assertThat(line.calls).hasSize(1);
    assertThat(line.calls.get(0).message().contactRef()).isEqualTo("U1");
    assertThat(line.calls.get(0).message().text()).isEqualTo("ご連絡ありがとうございます");
    assertThat(messageRow(messageId).getString("external_id")).isEqualTo("sent-" + messageId);
    Await.until(WAIT, "sent event", () -> seen.stream().anyMatch(e -> e.type().equals(CaseEvent.MESSAGE_SENT)));
  }

  private Row outboxRow(long messageId) {
    return Await.result(db.pool().preparedQuery("SELECT idempotency_key, may_have_arrived, awaits_confirmation, "
        + "key_expires_at, status FROM outbox WHERE message_id = $1")
        .execute(Tuple.of(messageId))).iterator().next();
  }

  /**
   * The reply as if first tried {@code hoursAgo} hours ago by an attempt that may or may not have arrived, on a channel
   * that keeps its key 23 hours.
   */
  private void triedBefore(long messageId, int hoursAgo, boolean mayHaveArrived) {
    Await.result(db.pool().preparedQuery("UPDATE outbox SET attempts = 1, may_have_arrived = $2, "
        + "key_expires_at = now() - make_interval(hours => $3) + interval '23 hours' WHERE message_id = $1")
        .execute(Tuple.of(messageId, mayHaveArrived, hoursAgo)));
  }

  @Test
  @DisplayName("a reply that may have arrived is not sent again once its channel's retry key has expired: staff confirm, and it goes under a new key")
  void retryKeyExpired() {
    ScriptedChannel line = ScriptedChannel.accepting("line").keysKeptFor(Duration.ofHours(23));
    long staff = staffId();
    long caseId = openCase("line", "U-key");
    long held = Await.result(messages.queueReply(caseId, staff, "昨日のお返事です")).messageId();
    long recent = Await.result(messages.queueReply(openCase("line", "U-key2"), staff, "お返事です")).messageId();
    long refused = Await.result(messages.queueReply(openCase("line", "U-key3"), staff, "お返事です")).messageId();
    UUID oldKey = outboxRow(held).getUUID("idempotency_key");
    triedBefore(held, 25, true);
    triedBefore(recent, 2, true);
    triedBefore(refused, 25, false);
    // Failed for its own reason after an attempt that may have arrived, its key expired since.
    long staleCase = openCase("line", "U-key4");
    long stale = Await.result(messages.queueReply(staleCase, staff, "お返事です")).messageId();
    triedBefore(stale, 25, true);
    Await.result(db.pool().preparedQuery("WITH o AS (UPDATE outbox SET status = 'failed' WHERE message_id = $1) "
        + "UPDATE message SET delivery = 'failed' WHERE id = $1").execute(Tuple.of(stale)));
    // Failed after attempts the channel said it did not take, its key expired since.
    long plainCase = openCase("line", "U-key5");
    long plain = Await.result(messages.queueReply(plainCase, staff, "お返事です")).messageId();
    UUID plainKey = outboxRow(plain).getUUID("idempotency_key");
    triedBefore(plain, 25, false);
    Await.result(db.pool().preparedQuery("WITH o AS (UPDATE outbox SET status = 'failed' WHERE message_id = $1) "
        + "UPDATE message SET delivery = 'failed' WHERE id = $1").execute(Tuple.of(plain)));

    deployWorker(line, settings(3));
    Await.until(WAIT, "held", () -> "failed".equals(messageRow(held).getString("delivery")));
    assertThat(messageRow(held).getString("delivery_error")).isEqualTo(OutboxWorker.MAY_HAVE_ARRIVED);
    assertThat(outboxRow(held).getBoolean("awaits_confirmation")).isTrue();
    Await.until(WAIT, "the others sent", () -> "sent".equals(messageRow(recent).getString("delivery"))
        && "sent".equals(messageRow(refused).getString("delivery")));
    assertThat(line.calls).extracting(c -> c.message().messageId())
        .as("within the key's life, or never possibly taken: sent; the other not").containsOnly(recent, refused);
    Await.until(WAIT, "failed event", () -> seen.stream().anyMatch(e -> CaseEvent.MESSAGE_FAILED.equals(e.type())
        && Long.valueOf(held).equals(e.messageId())));

    CaseCommandStore commands = new CaseCommandStore(db.pool(), clock);
    assertThat(Await.result(commands.retry(caseId, held, OptionalLong.empty(), List.of()))).as("not without a consultant's word")
        .isEmpty();
    OptionalLong hold = Await.result(commands.awaitsConfirmation(caseId, held));
    assertThat(hold).isPresent();
    assertThat(Await.result(commands.retry(caseId, held, OptionalLong.of(hold.getAsLong() - 1), List.of())))
        .as("a confirmation of another hold confirms nothing").isEmpty();
    // The consultant's word commits with the resend: an audit row that cannot be written sends nothing.
    AuditEntry nobody = new AuditEntry(null, -1L, caseId, "message.retry.confirmed", true, "127.0.0.1", null);
    assertThatThrownBy(() -> Await.result(commands.retry(caseId, held, hold, List.of(nobody))))
        .as("no staff -1: the audit row fails").isNotNull();
    assertThat(Await.result(commands.awaitsConfirmation(caseId, held))).as("still held, nothing queued").isEqualTo(hold);
    AuditEntry word = new AuditEntry(null, staff, caseId, "message.retry.confirmed", true, "127.0.0.1", null);
    assertThat(Await.result(commands.retry(caseId, held, hold, List.of(word)))).isPresent();
    assertThat(Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log WHERE case_id = $1 AND action = "
        + "'message.retry.confirmed' AND staff_id = $2").execute(Tuple.of(caseId, staff))).iterator().next()
        .getLong(0)).as("the word that sent it, once").isEqualTo(1);
    Await.until(WAIT, "sent once confirmed", () -> "sent".equals(messageRow(held).getString("delivery")));
    OutboundMessage sent = line.calls.stream().map(ScriptedChannel.Call::message)
        .filter(m -> m.messageId() == held).findFirst().orElseThrow();
    assertThat(sent.idempotencyKey()).as("a new key: the old one would not stop a repeat").isNotEqualTo(oldKey);
    assertThat(outboxRow(held).getBoolean("awaits_confirmation")).isFalse();
    assertThat(Await.result(commands.awaitsConfirmation(caseId, held))).isEmpty();
    assertThat(outboxRow(held).getValue("key_expires_at")).as("the new key's life runs from its first attempt").isNotNull();

    assertThat(Await.result(commands.retry(staleCase, stale, OptionalLong.empty(), List.of())))
        .as("the first 再送 asks, not the second").isEmpty();
    assertThat(Await.result(commands.awaitsConfirmation(staleCase, stale))).isPresent();

    assertThat(Await.result(commands.retry(plainCase, plain, OptionalLong.empty(), List.of()))).as("nothing may have arrived: no question").isPresent();
    Await.until(WAIT, "sent again", () -> "sent".equals(messageRow(plain).getString("delivery")));
    assertThat(line.calls.stream().map(ScriptedChannel.Call::message).filter(m -> m.messageId() == plain)
        .map(OutboundMessage::idempotencyKey)).as("a forgotten key is renewed, so a 5xx now is not held at once")
        .singleElement().isNotEqualTo(plainKey);
  }

  @Test
  @DisplayName("an attempt that may have been taken is remembered (a 5xx, a timeout, a gateway killed mid-send); a refusal for now is not")
  void mayHaveArrivedRemembered() {
    AtomicInteger attempt = new AtomicInteger();
    ScriptedChannel line = new ScriptedChannel("line", m -> switch (attempt.incrementAndGet()) {
      case 1 -> Future.failedFuture(SendFailure.notTaken("LINE 429", null));
      case 2 -> Future.failedFuture(SendFailure.transientError("LINE 500", null));
      default -> Future.succeededFuture(new SendReceipt("sent"));
    });
    long staff = staffId();
    long reply = Await.result(messages.queueReply(openCase("line", "U-maybe"), staff, "お返事です")).messageId();
    // Claimed by a gateway that died before it could say how its attempt ended.
    long orphan = Await.result(messages.queueReply(openCase("line", "U-orphan"), staff, "お返事です")).messageId();
    Await.result(db.pool().preparedQuery("UPDATE outbox SET attempts = 1, claimed_by = 'outbox-dead', "
        + "key_expires_at = now() + interval '22 hours' WHERE message_id = $1").execute(Tuple.of(orphan)));
    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() + interval '1 hour' "
        + "WHERE message_id = $1").execute(Tuple.of(reply)));

    OutboxStore store = new OutboxStore(db.pool());
    List<OutboxStore.ClaimedReply> claimed = Await.result(store.claim(
        List.of(new OutboxStore.Route(null, "line", Duration.ofSeconds(30))), 10, "outbox-test"));
    assertThat(claimed).singleElement().satisfies(c -> {
      assertThat(c.message().messageId()).isEqualTo(orphan);
      assertThat(c.mayHaveArrived()).isTrue();
      assertThat(c.keyExpired()).isFalse();
    });
    Await.result(store.markSent(claimed.get(0), null));

    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() WHERE message_id = $1")
        .execute(Tuple.of(reply)));
    // A second's wait before each retry: the state between the 429 and the next claim must last long enough to be
    // seen on a loaded machine (with the suite's 20 ms it passed unseen, and the test waited for it in vain).
    deployWorker(line, new OutboxSettings(16, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(5),
        new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(2))));
    Await.until(WAIT, "tried once", () -> attempt.get() >= 1);
    Await.until(WAIT, "the 429 recorded", () -> Await.result(db.pool().preparedQuery(
        "SELECT claimed_by IS NULL AND attempts = 1 FROM outbox WHERE message_id = $1").execute(Tuple.of(reply)))
        .iterator().next().getBoolean(0));
    assertThat(outboxRow(reply).getBoolean("may_have_arrived")).as("LINE said it did not take it").isFalse();
    assertThat(outboxRow(reply).getValue("key_expires_at")).as("a channel without a key life").isNull();
    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(reply).getString("delivery")));
    assertThat(outboxRow(reply).getBoolean("may_have_arrived")).as("the 500 may have been taken").isTrue();
  }

  @Test
  @DisplayName("retries a failing channel with the same key, then marks the reply failed with the reason")
  void retriesThenFails() {
    ScriptedChannel mail = ScriptedChannel.failingTransiently("mail", "SMTP 451 try again later");
    deployWorker(mail, settings(4));
    long caseId = openCase("mail", "resident@example.jp");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "返信です")).messageId();

    Await.until(WAIT, "failed", () -> "failed".equals(messageRow(messageId).getString("delivery")));
    assertThat(mail.calls).hasSize(4);
    assertThat(mail.calls.stream().map(c -> c.message().idempotencyKey()).distinct()).hasSize(1);
    assertThat(mail.calls.stream().map(c -> c.message().attempt())).containsExactly(1, 2, 3, 4);
    assertThat(messageRow(messageId).getString("delivery_error"))
        .isEqualTo("SMTP 451 try again later (gave up after 4 attempts)");
    Await.until(WAIT, "failed event", () -> seen.stream().anyMatch(e -> e.type().equals(CaseEvent.MESSAGE_FAILED)));
  }

  @Test
  @DisplayName("succeeds on a later attempt after transient failures")
  void recoversAfterTransientFailures() {
    AtomicInteger calls = new AtomicInteger();
    ScriptedChannel line = new ScriptedChannel("line", m -> calls.incrementAndGet() < 3
        ? Future.failedFuture(SendFailure.transientError("HTTP 503", null))
        : Future.succeededFuture(SendReceipt.accepted()));
    deployWorker(line, settings(5));
    long caseId = openCase("line", "U2");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "お待たせしました")).messageId();

    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(messageId).getString("delivery")));
    assertThat(line.calls).hasSize(3);
    assertThat(messageRow(messageId).getString("delivery_error")).isNull();
  }

  @Test
  @DisplayName("sends one resident's staff replies one at a time, in the order queued, also when the first must wait "
      + "for a retry; another resident's reply and an automatic message (a safety message) do not wait for them")
  void oneResidentInOrder() {
    AtomicInteger firstTries = new AtomicInteger();
    List<String> order = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    ScriptedChannel line = new ScriptedChannel("line", m -> {
      if (m.text().equals("一通目") && firstTries.incrementAndGet() < 3) {
        return Future.failedFuture(SendFailure.transientError("HTTP 429", Duration.ofMillis(300)));
      }
      boolean staffToU7 = m.contactRef().equals("U7") && !m.automatic();
      if (staffToU7) {
        mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      }
      order.add(m.contactRef() + ":" + m.text());
      // Slow enough that two sends to one resident side by side would overlap.
      return io.vertx.core.Future.<SendReceipt>future(p -> vertx.setTimer(50, t -> {
        if (staffToU7) {
          inFlight.decrementAndGet();
        }
        p.complete(SendReceipt.accepted());
      }));
    });
    long caseId = openCase("line", "U7");
    long other = openCase("line", "U8");
    long staff = staffId();
    List<Long> ids = new ArrayList<>();
    for (String text : List.of("一通目", "二通目", "三通目", "四通目")) {
      ids.add(Await.result(messages.queueReply(caseId, staff, text)).messageId());
    }
    long otherId = Await.result(messages.queueReply(other, staff, "別の方へ")).messageId();
    long safety = Await.result(messages.queueReply(caseId, null, "安全のご案内")).messageId();
    deployWorker(line, settings(5));

    Await.until(WAIT, "all sent", () -> ids.stream().allMatch(id -> "sent".equals(messageRow(id).getString("delivery"))));
    assertThat(order.stream().filter(s -> s.startsWith("U7:") && !s.equals("U7:安全のご案内")))
        .containsExactly("U7:一通目", "U7:二通目", "U7:三通目", "U7:四通目");
    assertThat(order.indexOf("U7:安全のご案内")).as("the automatic message did not wait for the retry")
        .isLessThan(order.indexOf("U7:一通目"));
    assertThat(messageRow(safety).getString("delivery")).isEqualTo("sent");
    assertThat(mostAtOnce.get()).as("never two to one resident at once").isEqualTo(1);
    assertThat(order.indexOf("U8:別の方へ")).as("not held behind another resident's retry").isLessThan(order.indexOf("U7:一通目"));
    assertThat(messageRow(otherId).getString("delivery")).isEqualTo("sent");
  }

  @Test
  @DisplayName("waits at least the channel's Retry-After before the next attempt")
  void honoursRetryAfter() {
    AtomicInteger calls = new AtomicInteger();
    ScriptedChannel line = new ScriptedChannel("line", m -> calls.incrementAndGet() == 1
        ? Future.failedFuture(SendFailure.transientError("HTTP 429", Duration.ofMillis(800)))
        : Future.succeededFuture(SendReceipt.accepted()));
    deployWorker(line, settings(3));
    long caseId = openCase("line", "U3");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "こんにちは")).messageId();

    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(messageId).getString("delivery")));
    Duration gap = Duration.between(line.calls.get(0).at(), line.calls.get(1).at());
    assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(800));
  }

  @Test
  @DisplayName("marks a reply failed at once when the channel refuses it for good")
  void permanentFailureIsNotRetried() {
    ScriptedChannel line = new ScriptedChannel("line",
        m -> Future.failedFuture(SendFailure.permanent("LINE 400: The user has blocked the account")));
    deployWorker(line, settings(5));
    long caseId = openCase("line", "U4");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "こんにちは")).messageId();

    Await.until(WAIT, "failed", () -> "failed".equals(messageRow(messageId).getString("delivery")));
    assertThat(line.calls).hasSize(1);
    assertThat(messageRow(messageId).getString("delivery_error")).isEqualTo("LINE 400: The user has blocked the account");
  }

  @Test
  @DisplayName("a reply queued before the resident blocked the account is not sent, and says why")
  void blockedAfterQueueing() {
    ScriptedChannel line = ScriptedChannel.accepting("line");
    long caseId = openCase("line", "U9");
    long messageId = Await.result(messages.queueReply(caseId, staffId(), "お返事です")).messageId();
    Await.result(new jp.kurashi.core.store.ContactStore(db.pool(), clock).setReachable(office, "line", "U9", false));

    deployWorker(line, settings(5));

    Await.until(WAIT, "failed", () -> "failed".equals(messageRow(messageId).getString("delivery")));
    assertThat(line.calls).as("not handed to LINE, which would take it and show it to nobody").isEmpty();
    assertThat(messageRow(messageId).getString("delivery_error")).isEqualTo(OutboxWorker.UNREACHABLE);
  }

  @Test
  @DisplayName("two workers on one database, in two Vert.x instances, never send the same row twice")
  void twoWorkersNeverDoubleSend() {
    String url = TestPostgres.shared().newDatabaseUrl();
    Await.result(db.close());
    db = TestDatabases.open(vertx, url, 16);
    office = TestDatabases.defaultOffice(db);
    messages = new MessageStore(db.pool(), clock);
    long staff = staffId();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long caseId = openCase("webchat", "chat-" + i);
      ids.add(Await.result(messages.queueReply(caseId, staff, "返信 " + i)).messageId());
    }

    ScriptedChannel first = new ScriptedChannel("webchat", m -> vertx.timer(2).map(t -> SendReceipt.accepted()));
    deployWorker(first, settings(3));

    Vertx otherInstance = Vertx.vertx();
    Database otherPool = TestDatabases.open(otherInstance, url, 16);
    ScriptedChannel second = new ScriptedChannel("webchat",
        m -> otherInstance.timer(2).map(t -> SendReceipt.accepted()));
    OutboxWorker otherWorker = new OutboxWorker(new OutboxStore(otherPool.pool()),
        new ChannelRegistry().register(second), CaseEvents.inProcess(otherInstance), settings(3), clock);
    try {
      Await.result(otherInstance.deployVerticle(otherWorker));

      Await.until(WAIT, "all sent", () -> countSent() == 200);

      List<ScriptedChannel.Call> calls = new ArrayList<>(first.calls);
      calls.addAll(second.calls);
      Map<Long, Long> sendsPerMessage = calls.stream()
          .collect(Collectors.groupingBy(c -> c.message().messageId(), Collectors.counting()));
      assertThat(sendsPerMessage.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(sendsPerMessage.values()).allMatch(n -> n == 1);
      assertThat(first.calls).isNotEmpty();
      assertThat(second.calls).isNotEmpty();
    } finally {
      Await.result(otherInstance.close());
    }
  }

  @Test
  @DisplayName("leaves another office's replies to the instance that has its connector")
  void leavesOtherOfficesRepliesPending() {
    long otherOffice = Await.result(db.pool().query(
        "INSERT INTO office (code, name) VALUES ('kita', '北区くらしサポート') RETURNING id").execute())
        .iterator().next().getLong("id");
    long staff = staffId();
    long ownCase = openCase("line", "U-own");
    long ownReply = Await.result(messages.queueReply(ownCase, staff, "1の窓口から")).messageId();
    long otherCase = Await.result(messages.ingest(otherOffice,
        new InboundMessage("line", "in-U-other", "U-other", null, "相談したいです", clock.instant()))).caseId();
    long otherReply = Await.result(messages.queueReply(otherCase, staff, "北区から")).messageId();

    // B has only the other office's LINE channel, as an instance started with an older offices file would.
    ScriptedChannel otherLine = ScriptedChannel.accepting("line");
    deployments.add(Await.result(vertx.deployVerticle(new OutboxWorker(new OutboxStore(db.pool()),
        new ChannelRegistry().register(otherOffice, otherLine), events, settings(3), clock))));

    // B's own office's reply going out shows B has polled, so the other one was there to be (wrongly) claimed.
    Await.until(WAIT, "other office's reply sent", () -> "sent".equals(messageRow(otherReply).getString("delivery")));
    Await.result(vertx.timer(300));
    assertThat(otherLine.calls).extracting(c -> c.message().messageId()).containsExactly(otherReply);
    Row pending = Await.result(db.pool().preparedQuery(
        "SELECT o.status, o.attempts, m.delivery FROM outbox o JOIN message m ON m.id = o.message_id WHERE m.id = $1")
        .execute(Tuple.of(ownReply))).iterator().next();
    assertThat(pending.getString("status")).isEqualTo("pending");
    assertThat(pending.getInteger("attempts")).isZero();
    assertThat(pending.getString("delivery")).isEqualTo("queued");

    ScriptedChannel ownLine = ScriptedChannel.accepting("line");
    deployments.add(Await.result(vertx.deployVerticle(new OutboxWorker(new OutboxStore(db.pool()),
        new ChannelRegistry().register(office, ownLine), events, settings(3), clock))));

    Await.until(WAIT, "own office's reply sent", () -> "sent".equals(messageRow(ownReply).getString("delivery")));
    assertThat(ownLine.calls).extracting(c -> c.message().messageId()).containsExactly(ownReply);
  }

  @Test
  @DisplayName("waits for a channel that bounds its own sends, instead of retrying a send still running")
  void waitsForBoundedChannel() {
    ScriptedChannel mail = new ScriptedChannel("mail", m -> vertx.timer(1_000).map(t -> new SendReceipt("slow")))
        .bounded(Duration.ofSeconds(3));
    OutboxSettings shortTimeout = new OutboxSettings(16, Duration.ofMillis(50), Duration.ofSeconds(30),
        Duration.ofMillis(300), new RetryPolicy(8, Duration.ofMillis(20), Duration.ofMillis(200)));
    deployWorker(mail, shortTimeout);
    long caseId = openCase("mail", "resident@example.jp");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "遅いサーバーへ")).messageId();

    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(messageId).getString("delivery")));
    Await.result(vertx.timer(1_500));
    assertThat(mail.calls).hasSize(1);
  }

  @Test
  @DisplayName("claims a slow channel's rows for longer than its longest send")
  void leaseCoversLongestSend() {
    ScriptedChannel mail = new ScriptedChannel("mail", m -> vertx.timer(10_000).map(t -> new SendReceipt("slow")))
        .bounded(Duration.ofSeconds(60));
    deployWorker(mail, settings(3));
    long caseId = openCase("mail", "resident@example.jp");

    long messageId = Await.result(messages.queueReply(caseId, staffId(), "長い送信")).messageId();

    Await.until(WAIT, "claimed", () -> !mail.calls.isEmpty());
    double leaseSeconds = Await.result(db.pool().preparedQuery(
        "SELECT extract(epoch FROM next_attempt_at - updated_at)::float8 FROM outbox WHERE message_id = $1")
        .execute(Tuple.of(messageId))).iterator().next().getDouble(0);
    // (60 s bound + 5 s outbox timeout) twice; the configured 30 s lease would let another instance send it again.
    assertThat(leaseSeconds).isGreaterThanOrEqualTo(130.0);
  }

  private long countSent() {
    return Await.result(db.pool().query("SELECT count(*) FROM message WHERE delivery = 'sent'").execute())
        .iterator().next().getLong(0);
  }

  @Test
  @DisplayName("resumes pending replies after a restart")
  void resumesAfterRestart() {
    long caseId = openCase("line", "U5");
    long messageId = Await.result(messages.queueReply(caseId, staffId(), "再起動前に書いた返信")).messageId();
    assertThat(messageRow(messageId).getString("delivery")).isEqualTo("queued");

    ScriptedChannel line = ScriptedChannel.accepting("line");
    deployWorker(line, settings(3));

    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(messageId).getString("delivery")));
    assertThat(line.calls).hasSize(1);
  }

  @Test
  @DisplayName("the watch shows how long the oldest due reply has waited, so one nobody sends is seen")
  void watchShowsTheOldestDueReply() {
    jp.kurashi.core.metrics.GatewayMetrics metrics = new jp.kurashi.core.metrics.GatewayMetrics();
    OutboxWatch watch = new OutboxWatch(new OutboxStore(db.pool()), events, metrics, Duration.ofMinutes(1),
        Duration.ofMinutes(15), clock);
    assertThat(Await.result(watch.check())).isZero();

    // No worker here: the reply waits, as one of an office whose channel no instance has set up would.
    long messageId = Await.result(messages.queueReply(openCase("line", "U-waiting"), staffId(), "お返事です")).messageId();
    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() - interval '20 minutes' "
        + "WHERE message_id = $1").execute(Tuple.of(messageId)));
    assertThat(Await.result(watch.check())).isBetween(1_190L, 1_300L);
    assertThat(metrics.render()).containsPattern("(?m)^outbox_oldest_due_seconds 1[12]\\d\\d$");
  }

  @Test
  @DisplayName("a reply no gateway takes is noted for staff once the watch has run long enough to know, and the note goes when it is sent")
  void untakenReplyNotedForStaff() throws InterruptedException {
    jp.kurashi.testkit.MovableClock watchClock = new jp.kurashi.testkit.MovableClock(clock);
    OutboxWatch watch = new OutboxWatch(new OutboxStore(db.pool()), events, new jp.kurashi.core.metrics.GatewayMetrics(),
        Duration.ofMinutes(1), Duration.ofMinutes(15), watchClock);
    long staff = staffId();
    long waiting = Await.result(messages.queueReply(openCase("line", "U-untaken"), staff, "お返事です")).messageId();
    long tried = Await.result(messages.queueReply(openCase("line", "U-tried"), staff, "お返事です")).messageId();
    // One never taken; one tried once and waiting for its next attempt, which is not due yet.
    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() - interval '20 minutes' "
        + "WHERE message_id = $1").execute(Tuple.of(waiting)));
    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() + interval '10 minutes', "
        + "attempts = 1 WHERE message_id = $1").execute(Tuple.of(tried)));

    // Just started: the replies may be a backlog from a desk that was down, about to be taken.
    Await.result(watch.check());
    assertThat(messageRow(waiting).getString("delivery_error")).isNull();

    watchClock.advance(Duration.ofMinutes(16));
    Await.result(watch.check());
    assertThat(messageRow(waiting).getString("delivery")).isEqualTo("queued");
    assertThat(messageRow(waiting).getString("delivery_error")).startsWith("15分以上、どのゲートウェイもこの返信を送っていません");
    assertThat(messageRow(tried).getString("delivery_error")).as("a reply waiting for its next attempt").isNull();
    // Tried once, then its channel taken out of every instance's settings: due long since, and noted too.
    Await.result(db.pool().preparedQuery("UPDATE outbox SET next_attempt_at = now() - interval '20 minutes' "
        + "WHERE message_id = $1").execute(Tuple.of(tried)));
    Await.result(db.pool().preparedQuery("UPDATE message SET delivery_error = 'LINE 500' WHERE id = $1")
        .execute(Tuple.of(tried)));
    Await.result(watch.check());
    assertThat(messageRow(tried).getString("delivery_error")).startsWith("15分以上");
    Await.until(WAIT, "message.waiting for both", () -> seen.stream().filter(e -> CaseEvent.MESSAGE_WAITING.equals(e.type())
        && (Long.valueOf(waiting).equals(e.messageId()) || Long.valueOf(tried).equals(e.messageId()))).count() == 2);
    Await.result(watch.check());
    Thread.sleep(300); // time for a second event, were there one
    assertThat(seen.stream().filter(e -> CaseEvent.MESSAGE_WAITING.equals(e.type()))).as("each noted once").hasSize(2);

    ScriptedChannel line = ScriptedChannel.accepting("line");
    deployWorker(line, settings(3));
    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(waiting).getString("delivery")));
    assertThat(messageRow(waiting).getString("delivery_error")).isNull();
    Await.until(WAIT, "sent", () -> "sent".equals(messageRow(tried).getString("delivery")));
    // A reply sent whose outbox row looks untaken (as a row the pruning has not reached yet might): the worker is
    // stopped first, so only the watch's own guard keeps the note off it.
    Await.result(vertx.undeploy(deployments.remove(deployments.size() - 1)));
    Await.result(db.pool().preparedQuery("UPDATE outbox SET status = 'pending', next_attempt_at = now() - interval '20 minutes' "
        + "WHERE message_id = $1").execute(Tuple.of(waiting)));
    Await.result(watch.check());
    assertThat(messageRow(waiting).getString("delivery_error")).as("a reply sent is not noted").isNull();
  }
}
