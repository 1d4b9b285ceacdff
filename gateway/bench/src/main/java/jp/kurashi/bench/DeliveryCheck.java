package jp.kurashi.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whether every message the load generator saw acknowledged was stored, and stored once: acknowledged ids
 * ({@code channel:id}) against the rows of {@code message} grouped by channel and external id.
 *
 * @param acked      messages acknowledged to the load generator
 * @param stored     of those, how many have a row
 * @param lost       acknowledged and without a row: the one thing a gateway must never do
 * @param duplicated rows beyond the first for one channel and external id (a redelivery stored twice)
 */
record DeliveryCheck(long acked, long stored, long lost, long duplicated) {

  /** One group of stored inbound rows: channel, external id as stored, and how many rows carry it. */
  record StoredRow(String channel, String externalId, long rows) {
  }

  /**
   * Compares. Web chat stores the client's id after the chat's own reference ({@code ref/clientId}); the load
   * generator knows only the client's id, so the part after the first {@code /} is what is matched.
   */
  static DeliveryCheck of(Set<String> acked, Collection<StoredRow> rows) {
    Map<String, Long> stored = new HashMap<>();
    long duplicated = 0;
    for (StoredRow r : rows) {
      String id = r.channel() + ":" + r.externalId().substring(r.externalId().indexOf('/') + 1);
      stored.merge(id, r.rows(), Long::sum);
      duplicated += r.rows() - 1;
    }
    long lost = acked.stream().filter(id -> !stored.containsKey(id)).count();
    return new DeliveryCheck(acked.size(), acked.size() - lost, lost, duplicated);
  }

  boolean clean() {
    return lost == 0 && duplicated == 0;
  }
}
