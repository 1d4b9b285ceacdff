package jp.kurashi.core.channel;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.MessageStore;

import java.time.Clock;

/**
 * Everything a channel may use: the shared pool for its own store, core's contact and message stores, replies,
 * the bus, rate limits, metrics and the clock. Nothing else of the gateway reaches a channel.
 *
 * @param pool          the main pool, for the channel's own store (never the inbound pool: that is the pipeline's)
 * @param clientAddress who counts as the client behind the trusted proxies
 */
public record ChannelContext(Vertx vertx, long officeId, OfficeProfile office, Pool pool, ContactStore contacts,
                             MessageStore messages, ReplyQueue replies, CaseEvents bus, RateLimits rateLimits,
                             GatewayMetrics metrics, ClientAddress clientAddress, Clock clock) {
}
