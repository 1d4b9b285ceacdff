package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.channel.ChannelRetention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Erases what is past retention, one bounded batch per call, each batch one transaction: a crash or a failed
 * statement leaves either the whole batch erased or none of it, and no batch holds locks for long. Core's tables
 * are erased here; each channel's {@link ChannelRetention} erases its own rows inside the same transaction.
 *
 * <pre>{@code
 * retention.eraseClosedCases(closedBefore, 100, now)   // until it returns fewer cases than asked
 * }</pre>
 */
public final class RetentionStore {

  private final Pool pool;
  private final Map<String, ChannelRetention> channels;

  /** A store for core's tables only (no channel keeps rows of its own). */
  public RetentionStore(Pool pool) {
    this(pool, Map.of());
  }

  /** {@code channels}: each channel's retention by channel code, run in this map's order. */
  public RetentionStore(Pool pool, Map<String, ChannelRetention> channels) {
    this.pool = pool;
    this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
  }

  /** The codes of the channels that erase rows of their own, in the order they run. */
  public Set<String> channels() {
    return channels.keySet();
  }

  /**
   * What one batch of erased cases took with it; {@code channelRows}: each channel's own rows erased with the cases
   * and their contacts (raw mails, web chat sessions), by channel code.
   */
  public record ErasedCases(int cases, int messages, int attachments, int contacts, Map<String, Integer> channelRows) {

    public static final ErasedCases NONE = new ErasedCases(0, 0, 0, 0, Map.of());

    public ErasedCases {
      channelRows = Collections.unmodifiableMap(new LinkedHashMap<>(channelRows));
    }

    public ErasedCases plus(ErasedCases o) {
      return new ErasedCases(cases + o.cases, messages + o.messages, attachments + o.attachments,
          contacts + o.contacts, add(channelRows, o.channelRows));
    }

    /** The rows of {@code channel}'s own erased with the cases (0 when none). */
    public int channel(String channel) {
      return channelRows.getOrDefault(channel, 0);
    }
  }

  /**
   * Leftovers past retention that belong to no case: stale contacts, complaints' words, and each channel's own
   * (web chat sessions that never wrote, raw mails that became no message), by channel code.
   */
  public record Leftovers(int contacts, int complaints, Map<String, Integer> channelRows) {

    public static final Leftovers NONE = new Leftovers(0, 0, Map.of());

    public Leftovers {
      channelRows = Collections.unmodifiableMap(new LinkedHashMap<>(channelRows));
    }

    public int total() {
      return contacts + complaints + channelRows.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Leftovers plus(Leftovers o) {
      return new Leftovers(contacts + o.contacts, complaints + o.complaints, add(channelRows, o.channelRows));
    }

    /** The rows of {@code channel}'s own erased as leftovers (0 when none). */
    public int channel(String channel) {
      return channelRows.getOrDefault(channel, 0);
    }
  }

  /** Per-channel counts added up, keeping the order channels first appear in. */
  public static Map<String, Integer> add(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Integer> sum = new LinkedHashMap<>(a);
    b.forEach((channel, n) -> sum.merge(channel, n, Integer::sum));
    return sum;
  }

  /** How many closed cases past the keep period stay after a run ({@code RetentionSql.HELD}). */
  public Future<Long> heldPastRetention(Instant closedBefore) {
    return pool.preparedQuery(RetentionSql.HELD).execute(Tuple.of(utc(closedBefore)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Erases up to {@code limit} cases closed before {@code closedBefore}: messages, notes, attachments, triage rows
   * and outbox rows deleted, handoffs reduced to kind and date, the case row kept as the anonymous record the
   * monthly report counts, and contacts left without cases or messages deleted; each channel erases its rows of
   * the same cases and contacts in the same transaction.
   */
  public Future<ErasedCases> eraseClosedCases(Instant closedBefore, int limit, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery(RetentionSql.CLOSED_CASES)
        .execute(Tuple.of(utc(closedBefore), (long) limit))
        .compose(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getLong(0)));
          if (ids.isEmpty()) {
            return Future.succeededFuture(ErasedCases.NONE);
          }
          return conn.preparedQuery(RetentionSql.MERGED_INTO).execute(Tuple.of((Object) ids.toArray(Long[]::new)))
              .compose(merged -> {
                merged.forEach(row -> ids.add(row.getLong(0)));
                return erase(conn, ids.toArray(Long[]::new), now, closedBefore);
              });
        }));
  }

  private Future<ErasedCases> erase(SqlConnection conn, Long[] ids, Instant now, Instant closedBefore) {
    Tuple cases = Tuple.of((Object) ids);
    Set<Long> contacts = new LinkedHashSet<>();
    int[] counts = new int[3];
    Map<String, Integer> channelRows = new LinkedHashMap<>();
    return conn.preparedQuery(RetentionSql.ERASE_CASES).execute(Tuple.of(ids, utc(now)))
        .compose(rows -> {
          collect(rows, contacts);
          counts[0] = rows.rowCount();
          return conn.preparedQuery(RetentionSql.ANONYMISE_HANDOFFS).execute(cases);
        })
        .compose(v -> conn.preparedQuery(RetentionSql.ERASE_CASE_RECORDS).execute(Tuple.of(ids, utc(closedBefore))))
        // The channels' rows that point at the cases' messages go before the messages do.
        .compose(v -> eachChannel(channelRows, (name, channel) -> channel.eraseWithCases(conn, ids)))
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_OUTBOX).execute(cases))
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_ATTACHMENTS).execute(cases))
        .compose(rows -> {
          counts[2] = rows.rowCount();
          return conn.preparedQuery(RetentionSql.DELETE_TRIAGE).execute(cases);
        })
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_MESSAGES).execute(cases))
        .compose(rows -> {
          counts[1] = rows.rowCount();
          collect(rows, contacts);
          return deleteContacts(conn, contacts, channelRows);
        })
        .map(gone -> new ErasedCases(counts[0], counts[1], counts[2], gone, channelRows));
  }

  /** Runs {@code step} for every channel in turn, adding what each erased to {@code into} under its code. */
  private Future<Void> eachChannel(Map<String, Integer> into,
                                   BiFunction<String, ChannelRetention, Future<Integer>> step) {
    Future<Void> done = Future.succeededFuture();
    for (Map.Entry<String, ChannelRetention> channel : channels.entrySet()) {
      done = done.compose(v -> step.apply(channel.getKey(), channel.getValue())
          .map(n -> {
            into.merge(channel.getKey(), n, Integer::sum);
            return null;
          }));
    }
    return done;
  }

  private static void collect(RowSet<Row> rows, Set<Long> into) {
    for (Row row : rows) {
      Long id = row.getLong(0);
      if (id != null) {
        into.add(id);
      }
    }
  }

  /**
   * Deletes the contacts no case or message points to any more and, in the same transaction, each channel's rows
   * behind its deleted contacts. Answers how many contacts went.
   */
  private Future<Integer> deleteContacts(SqlConnection conn, Set<Long> ids, Map<String, Integer> channelRows) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return conn.preparedQuery(RetentionSql.DELETE_CONTACTS).execute(Tuple.of((Object) ids.toArray(Long[]::new)))
        .compose(rows -> {
          Map<String, List<String>> byChannel = new HashMap<>();
          rows.forEach(row -> byChannel.computeIfAbsent(row.getString("channel"), c -> new ArrayList<>())
              .add(row.getString("external_id")));
          return eachChannel(channelRows, (name, channel) -> byChannel.containsKey(name)
              ? channel.eraseWithContacts(conn, byChannel.get(name)) : Future.succeededFuture(0))
              .map(v -> rows.rowCount());
        });
  }

  /**
   * Deletes up to {@code limit} of each kind of leftover unseen since {@code before}: contacts without cases or
   * messages (with each channel's rows behind them; those that never consented either once unseen since
   * {@code silentBefore}), each channel's own leftovers, and the words of complaints closed before {@code before};
   * one transaction.
   */
  public Future<Leftovers> eraseLeftovers(Instant before, Instant silentBefore, int limit) {
    Tuple range = Tuple.of(utc(before), (long) limit);
    Map<String, Integer> channelRows = new LinkedHashMap<>();
    return pool.withTransaction(conn -> conn.preparedQuery(RetentionSql.STALE_CONTACTS)
            .execute(Tuple.of(utc(before), (long) limit, utc(silentBefore)))
        .compose(rows -> {
          Set<Long> ids = new LinkedHashSet<>();
          collect(rows, ids);
          return deleteContacts(conn, ids, channelRows);
        })
        .compose(contacts -> eachChannel(channelRows, (name, channel) -> channel.eraseLeftovers(conn, before, limit))
            .compose(v -> conn.preparedQuery(RetentionSql.STALE_COMPLAINTS).execute(range))
            .map(complaints -> new Leftovers(contacts, complaints.rowCount(), channelRows))));
  }

  /** One batch of {@code channel}'s own pruning (e.g. raw mails' bytes past their keep period). */
  public Future<Integer> prune(String channel, Instant now, int limit) {
    return channels.get(channel).prune(pool, now, limit);
  }

  /** Deletes up to {@code limit} audit rows older than {@code before} (never one under two years old). */
  public Future<Integer> pruneAudit(Instant before, int limit) {
    return pool.preparedQuery(RetentionSql.PRUNE_AUDIT).execute(Tuple.of(utc(before), limit))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
