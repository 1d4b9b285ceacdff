package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every resident message enters: normalise, store (deduplicated, one transaction),
 * then the after-commit steps (triage, live events).
 *
 * <p>The returned future completes when the message is committed. A connector acknowledges
 * its channel only then, so nothing acknowledged is ever lost; after-commit steps never fail it.
 *
 * <pre>{@code
 * pipeline.receive(new InboundMessage("line", eventId, userId, null, text, clock.instant()))
 *     .onSuccess(r -> response.setStatusCode(200).end())
 *     .onFailure(err -> response.setStatusCode(500).end());   // the channel will redeliver
 * }</pre>
 */
public final class InboundPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(InboundPipeline.class);

  private final long officeId;
  private final MessageStore store;
  private final CaseEvents events;
  private final List<AfterIngest> steps;
  private final AfterCommitQueue afterCommit;

  /** With the default bound on after-commit work: 16 running, 10,000 waiting. */
  public InboundPipeline(long officeId, MessageStore store, CaseEvents events, List<AfterIngest> steps) {
    this(officeId, store, events, steps, new AfterCommitQueue(16, 10_000));
  }

  public InboundPipeline(long officeId, MessageStore store, CaseEvents events, List<AfterIngest> steps,
                         AfterCommitQueue afterCommit) {
    this.officeId = officeId;
    this.store = store;
    this.events = events;
    this.steps = List.copyOf(steps);
    this.afterCommit = afterCommit;
  }

  /** Stores one message; completes after commit. */
  public Future<IngestResult> receive(InboundMessage message) {
    InboundMessage clean = InboundText.normalise(message);
    return store.ingest(officeId, clean).onSuccess(result -> {
      logStored(clean, result);
      if (!result.duplicate()) {
        afterCommit.submit(List.of(result.messageId()), () -> afterCommit(clean, result));
      }
    });
  }

  /**
   * Runs the after-commit steps of a message stored earlier whose steps never finished (the gateway stopped, or a
   * flood left them to {@link AfterCommitSweep}); nothing when they are already waiting or running here. Every step
   * is idempotent, so a message whose steps did run in part is answered once.
   */
  public Future<Void> resume(InboundMessage message, IngestResult stored) {
    return afterCommit.submit(List.of(stored.messageId()), () -> afterCommit(message, stored));
  }

  /**
   * Erases a message its sender took back (see {@link MessageStore#unsend}) and tells the consoles, so a thread open
   * on it shows it erased at once; empty when there was no such message.
   */
  public Future<java.util.Optional<MessageStore.Unsent>> unsend(String channel, String contactRef,
                                                                String channelMessageId) {
    return store.unsend(officeId, channel, contactRef, channelMessageId).compose(erased -> erased.isEmpty()
        ? Future.succeededFuture(erased)
        : publishQuietly(new CaseEvent(CaseEvent.MESSAGE_UNSENT, officeId, erased.get().caseId(),
            erased.get().contactId(), erased.get().messageId(), channel, erased.get().at())).map(erased));
  }

  /** Tells the consoles; a lost event only delays a console's update (it reads again), so it never fails the caller. */
  private Future<Void> publishQuietly(CaseEvent event) {
    return events.publish(event).recover(err -> {
      LOG.atWarn().addKeyValue("caseId", event.caseId()).addKeyValue("error", DatabaseFailures.describe(err))
          .log("case event not published");
      return Future.succeededFuture();
    });
  }

  /** The office whose messages this pipeline stores. */
  public long officeId() {
    return officeId;
  }

  /** The bounded queue the after-commit steps run through. */
  public AfterCommitQueue afterCommitQueue() {
    return afterCommit;
  }

  /**
   * Stores several messages of one delivery in one transaction; completes after commit. A delivery of one
   * message (the usual webhook) joins the group commit with every other channel's messages.
   */
  public Future<List<IngestResult>> receiveAll(List<InboundMessage> messages) {
    if (messages.size() == 1) {
      return receive(messages.get(0)).map(List::of);
    }
    List<InboundMessage> clean = messages.stream().map(InboundText::normalise).toList();
    return store.ingestAll(officeId, clean).onSuccess(results -> {
      // Messages of one case in one delivery are handled one after the other, in order: a resident who sends
      // 「死にたい」 and 「助けて」 together at night gets the safety message, not an out-of-hours notice for the
      // second one that happened to be triaged first. Other cases' messages do not wait.
      Map<Long, List<Integer>> byCase = new LinkedHashMap<>();
      for (int i = 0; i < results.size(); i++) {
        logStored(clean.get(i), results.get(i));
        if (!results.get(i).duplicate()) {
          byCase.computeIfAbsent(results.get(i).caseId(), c -> new ArrayList<>()).add(i);
        }
      }
      for (List<Integer> ofCase : byCase.values()) {
        List<Long> ids = ofCase.stream().map(i -> results.get(i).messageId()).toList();
        afterCommit.submit(ids, () -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i : ofCase) {
            chain = chain.transform(done -> afterCommit(clean.get(i), results.get(i)));
          }
          return chain;
        });
      }
    });
  }

  private static void logStored(InboundMessage message, IngestResult result) {
    LOG.atInfo()
        .addKeyValue("channel", message.channel())
        .addKeyValue("caseId", result.caseId())
        .addKeyValue("messageId", result.messageId())
        .addKeyValue("duplicate", result.duplicate())
        .addKeyValue("caseOpened", result.caseOpened())
        .log("inbound message stored");
  }

  private Future<Void> afterCommit(InboundMessage message, IngestResult result) {
    Future<Void> chain = Future.succeededFuture();
    for (AfterIngest step : steps) {
      chain = chain.compose(v -> step.apply(message, result))
          .recover(err -> {
            LOG.atError().addKeyValue("step", step.name()).addKeyValue("caseId", result.caseId())
                .addKeyValue("messageId", result.messageId()).addKeyValue("error", DatabaseFailures.describe(err))
                .log("after-commit step failed");
            return Future.succeededFuture();
          });
    }
    return chain.compose(v -> publishQuietly(new CaseEvent(CaseEvent.MESSAGE_RECEIVED, officeId, result.caseId(),
        result.contactId(), result.messageId(), message.channel(), message.receivedAt())));
  }
}
