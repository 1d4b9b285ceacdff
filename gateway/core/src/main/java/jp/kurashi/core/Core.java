package jp.kurashi.core;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageModelInForce;

import java.time.Clock;

/**
 * What every office, channel, the console and the pipeline share, built once by {@link #of}: the database and its
 * stores, the reply queue, the bus, the rate limits, the triage model in force, metrics and the clock.
 * The gateway and every test server build it the same way; nothing in it belongs to one office.
 */
public record Core(Vertx vertx, Database db, CaseEvents bus, RateLimits limits, TriageModelInForce triage,
                   GatewayMetrics metrics, Clock clock, MessageStore messages, CaseStore cases,
                   ContactStore contacts, ReplyQueue replies, TriageStore triageStore, TriageModelStore triageModels) {

  /** Builds the stores and the reply queue on {@code db}; owns none of its arguments (their owner closes them). */
  public static Core of(Vertx vertx, Database db, CaseEvents bus, RateLimits limits, TriageModelInForce triage,
                        GatewayMetrics metrics, Clock clock) {
    MessageStore messages = new MessageStore(db.pool(), db.inbound(), clock);
    return new Core(vertx, db, bus, limits, triage, metrics, clock, messages, new CaseStore(db.pool(), clock),
        new ContactStore(db.pool(), clock), new ReplyQueue(vertx, messages, bus, clock),
        new TriageStore(db.pool(), clock), new TriageModelStore(db.pool(), clock));
  }

  /** The main pool (the console's, the outbox's and the channels' own stores'). */
  public Pool pool() {
    return db.pool();
  }

  /** The engine of the triage model in force. */
  public TriageEngine triageEngine() {
    return triage.engine();
  }

  /** What a channel of {@code officeId} is given (see {@link ChannelContext}). */
  public ChannelContext channelContext(long officeId, OfficeProfile office, ClientAddress clientAddress) {
    return new ChannelContext(vertx, officeId, office, db.pool(), contacts, messages, replies, bus, limits, metrics,
        clientAddress, clock);
  }
}
