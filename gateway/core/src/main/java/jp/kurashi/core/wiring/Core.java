package jp.kurashi.core.wiring;

import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageModelInForce;

import java.time.Clock;

/**
 * What every office, channel, the console and the pipeline share, built once from a database, a bus, the rate
 * limits, the triage model in force and a clock: the gateway, the CLI and test servers build it the same way.
 */
public record Core(Vertx vertx, Database database, CaseEvents bus, RateLimits limits, TriageModelInForce triage,
                   MessageStore messages, CaseStore cases, ContactStore contacts, ReplyQueue replies,
                   TriageStore triageStore, TriageModelStore triageModels, Clock clock) {

  /** Builds the stores and the reply queue over {@code database}; opens and closes nothing itself. */
  public static Core create(Vertx vertx, Database database, CaseEvents bus, RateLimits limits,
                            TriageModelInForce triage, Clock clock) {
    MessageStore messages = new MessageStore(database.pool(), database.inbound(), clock);
    return new Core(vertx, database, bus, limits, triage, messages, new CaseStore(database.pool(), clock),
        new ContactStore(database.pool(), clock), new ReplyQueue(vertx, messages, bus, clock),
        new TriageStore(database.pool(), clock), new TriageModelStore(database.pool(), clock), clock);
  }
}
