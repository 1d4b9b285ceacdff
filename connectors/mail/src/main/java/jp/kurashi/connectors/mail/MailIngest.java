package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.connectors.mail.MailStore.PendingMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Turns one stored raw mail into a message of the right case: a reply joins its thread by
 * In-Reply-To/References, else by the case token in the subject ({@code [KS-123-7f3a9c01]}), else the
 * sender's open case, else a new one. Both are only hints: the store continues a case only for its own
 * contact, and a token whose random part is wrong is no hint at all. A bounce marks the mail it refers to failed. A mail whose
 * processing fails for any reason (unreadable, a value the database refuses, a database error) is
 * retried later with backoff, then quarantined raw, and never blocks the mails after it.
 */
final class MailIngest {

  private static final Logger LOG = LoggerFactory.getLogger(MailIngest.class);
  /** Why a mail taken before never got an outcome: staff read it beside a quarantined mail. */
  static final String INTERRUPTED = "取り込みの途中でゲートウェイが停止しました / the gateway stopped while ingesting this mail";

  private final Vertx vertx;
  private final MailParser parser;
  private final SenderAuthentication senders;
  /** The desk's own address: its mail coming back (a copy to itself, a forward) is the desk's, already stored. */
  private final String deskAddress;
  private final MailStore store;
  private final InboundPipeline pipeline;
  private final GatewayMetrics metrics;
  private final RetryPolicy retry;
  private final Clock clock;

  MailIngest(Vertx vertx, MailParser parser, SenderAuthentication senders, String deskAddress, MailStore store,
             InboundPipeline pipeline, GatewayMetrics metrics, RetryPolicy retry, Clock clock) {
    this.senders = senders;
    this.deskAddress = deskAddress;
    this.clock = clock;
    this.vertx = vertx;
    this.parser = parser;
    this.store = store;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.retry = retry;
  }

  /**
   * Processes one pending mail; completes when its outcome (stored, retry scheduled, or quarantined)
   * is recorded, and fails only when even that could not be written.
   */
  Future<Void> process(PendingMail pending) {
    if (pending.interrupted()) {
      // Its last ingest never recorded an outcome: the gateway stopped (killed, crashed, out of memory) while at it.
      metrics.increment("mail_ingest_failures_total", "outcome", pending.quarantined() ? "quarantined" : "interrupted");
      LOG.atWarn().addKeyValue("inboxId", pending.inboxId()).addKeyValue("attempt", pending.attempts())
          .addKeyValue("reason", INTERRUPTED).addKeyValue("next", pending.quarantined() ? "quarantined" : "now")
          .log("mail not ingested");
      if (pending.quarantined()) {
        return Future.succeededFuture();
      }
    }
    return vertx.<ParsedMail>executeBlocking(() -> parser.parse(pending.raw()), false)
        .compose(mail -> ingest(pending, mail))
        .recover(err -> failed(pending, err));
  }

  private Future<Void> failed(PendingMail pending, Throwable err) {
    if (DatabaseFailures.conflict(err)) {
      // Lost a race with another transaction: not this mail's fault, nor an outage. It stays pending with its attempts
      // unchanged and is taken again in a few seconds; the mails behind it go on now.
      metrics.increment("mail_ingest_failures_total", "outcome", "conflict");
      LOG.atInfo().addKeyValue("inboxId", pending.inboxId()).addKeyValue("reason", reason(err))
          .log("mail not ingested: conflict, taken again shortly");
      return store.conflicted(pending.inboxId());
    }
    if (DatabaseFailures.unavailable(err)) {
      // Not this mail's fault: it stays pending with its attempts unchanged, and the round stops until the
      // database answers again, so an outage never quarantines good mail.
      return Future.failedFuture(err);
    }
    int attempt = pending.attempts() + 1;
    String reason = reason(err);
    Duration retryIn = retry.delayAfter(attempt, null, ThreadLocalRandom.current());
    return store.failed(pending.inboxId(), reason, retry.maxAttempts(), retryIn).map(quarantined -> {
      metrics.increment("mail_ingest_failures_total", "outcome", quarantined ? "quarantined" : "retry");
      LOG.atWarn().addKeyValue("inboxId", pending.inboxId()).addKeyValue("attempt", attempt)
          .addKeyValue("reason", reason).addKeyValue("next", quarantined ? "quarantined" : "retry in " + retryIn)
          .log("mail not ingested");
      return null;
    });
  }

  /**
   * Why a mail failed, for staff and logs: the parser's own words, a SQLSTATE, or an exception
   * class; never an exception's message, which may quote the mail (a database error quotes values).
   */
  static String reason(Throwable err) {
    if (err instanceof MalformedMailException) {
      return err.getMessage();
    }
    return DatabaseFailures.sqlState(err).map(state -> "database error SQLSTATE " + state)
        .orElseGet(() -> "ingest failed: " + err.getClass().getName());
  }

  private Future<Void> ingest(PendingMail pending, ParsedMail mail) {
    if (mail.bounce() != null && mail.bounce().originalMessageId() != null) {
      return store.bounced(mail.bounce().originalMessageId(), mail.bounce().recipients(),
              "配信できませんでした / not delivered: " + mail.bounce().reason())
          .compose(found -> {
            if (found.isPresent()) {
              metrics.increment("mail_bounces_total");
              LOG.atInfo().addKeyValue("messageId", found.get().messageId()).addKeyValue("caseId", found.get().caseId())
                  .log("bounce recorded on the mail it refers to");
              return store.done(pending.inboxId(), found.get().messageId());
            }
            // A report on a desk mail of an erased case names the resident: it stays erased with them.
            return store.erased(List.of(MailStore.erasedKey(pipeline.officeId(), "", mail.bounce().originalMessageId())))
                .compose(erased -> erased ? erasedAgain(pending) : store(pending, mail, null));
          });
    }
    return store.caseByMessageIds(mail.references())
        .compose(byReference -> byReference.isPresent() ? Future.succeededFuture(byReference) : byToken(mail.subject()))
        .compose(hint -> store(pending, mail, hint.orElse(null)));
  }

  private Future<Void> store(PendingMail pending, ParsedMail mail, Long caseHint) {
    String body = mail.skipped().isEmpty() ? mail.text() : mail.text()
        + "\n\n[保存しなかった添付ファイル / attachments not stored: " + String.join(", ", mail.skipped()) + "]";
    boolean unverified = senders.unverified(mail.authenticationResults(), mail.fromAddress(), mail.fromUnambiguous());
    if (unverified) {
      metrics.increment("mail_senders_unverified_total");
    }
    Function<String, InboundMessage> message = key -> new InboundMessage(MailConnector.CHANNEL, key,
        mail.fromAddress(), mail.fromName(), body, clock.instant(), mail.attachments(), mail.subject(),
        mail.automated(), caseHint, null, unverified);
    return store.erased(erasedKeys(mail)).compose(erased -> {
      if (erased) {
        return erasedAgain(pending);
      }
      return pipeline.receive(message.apply(mail.messageId()))
          .compose(stored -> stored.duplicate() ? ownMessage(pending, mail, stored, message) : Future.succeededFuture(stored))
          .compose(stored -> {
            metrics.increment("mail_received_total", "kind", mail.automated() ? "automated" : "resident");
            return store.done(pending.inboxId(), stored.messageId());
          });
    });
  }

  /**
   * The hashes this mail would have been kept under had its case been erased: by its sender under either key it can
   * be stored under, and, for the desk's own mail coming back, as the desk's.
   */
  private List<String> erasedKeys(ParsedMail mail) {
    long office = pipeline.officeId();
    String from = mail.fromAddress();
    List<String> keys = new ArrayList<>(List.of(MailStore.erasedKey(office, from, mail.messageId()),
        MailStore.erasedKey(office, from, MailParser.senderMessageKey(mail.messageId(), from))));
    if (from.equalsIgnoreCase(deskAddress)) {
      keys.add(MailStore.erasedKey(office, "", mail.messageId()));
    }
    return keys;
  }

  /** The mailbox still had a mail of an erased case (a UIDVALIDITY change fetches the folder again): it stays erased. */
  private Future<Void> erasedAgain(PendingMail pending) {
    metrics.increment("mail_erased_refetched_total");
    LOG.atInfo().addKeyValue("inboxId", pending.inboxId()).log("mail of an erased case fetched again; not stored");
    return store.doneErased(pending.inboxId());
  }

  /**
   * A Message-ID is whatever its sender wrote. When the message already stored under it came from someone else
   * (another resident, a mailer that reuses ids, the desk's own mail), this is a different mail, and it is stored
   * under a key of its sender and its id rather than taken for a duplicate and lost. The desk's own mail coming back
   * into its mailbox (a copy to itself, a resident's forward) is a duplicate of what the desk sent.
   */
  private Future<IngestResult> ownMessage(PendingMail pending, ParsedMail mail, IngestResult existing,
                                          Function<String, InboundMessage> message) {
    if (mail.fromAddress().equalsIgnoreCase(deskAddress)) {
      return Future.succeededFuture(existing);
    }
    return store.sentBy(existing.messageId(), mail.fromAddress()).compose(same -> {
      if (same) {
        return Future.succeededFuture(existing);
      }
      metrics.increment("mail_message_id_reused_total");
      LOG.atInfo().addKeyValue("inboxId", pending.inboxId())
          .log("Message-ID already stored for another sender; stored under this sender's own key");
      return pipeline.receive(message.apply(MailParser.senderMessageKey(mail.messageId(), mail.fromAddress())));
    });
  }

  /**
   * The case a subject's token names. An old-form token names its case as a hint the store checks against
   * the sender; a new-form one only when its random part is the case's.
   */
  private Future<Optional<Long>> byToken(String subject) {
    Optional<CaseToken> token = CaseToken.find(subject);
    if (token.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    if (token.get().secret() == null) {
      return Future.succeededFuture(Optional.of(token.get().caseId()));
    }
    return store.caseByToken(token.get().caseId(), token.get().secret());
  }
}
