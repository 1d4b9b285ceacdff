package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a group of inbound messages with as few statements as the group allows: one
 * {@link MessageSql#INGEST_GROUP} for every run of plain messages, and {@link MessageSql#INGEST} for a message
 * that carries a case hint or attachments (rare: mail), in order, so the outcome is the one INGEST would give
 * message by message. A repeat of an external id within the group is answered with the first copy, marked
 * duplicate, as INGEST would answer it once the first is stored.
 */
final class GroupIngest {

  /** One message to store and its office. */
  record Request(long officeId, InboundMessage message) {
  }

  private final GroupCommit.Ingest single;

  GroupIngest(GroupCommit.Ingest single) {
    this.single = single;
  }

  /**
   * True when the group is stored by one statement, so it needs no explicit transaction: the statement is
   * atomic on its own and its result arrives after its commit.
   */
  static boolean oneStatement(List<Request> group) {
    return group.stream().noneMatch(r -> alone(r.message()));
  }

  /** Messages INGEST_GROUP does not take: the case hint and the attachments need their own statements. */
  private static boolean alone(InboundMessage m) {
    return m.caseHint() != null || !m.attachments().isEmpty();
  }

  /**
   * Stores {@code group} on {@code client} (a connection in a transaction, or a pool when
   * {@link #oneStatement}); the results are in the group's order. A result is {@code null} when another
   * transaction stored the same external id while this one ran (INGEST's race): the caller asks again after
   * the commit, one message alone, and gets the stored copy as a duplicate. (Asking inside would put a second
   * statement after an autocommitted one, whose failure would then fail messages already stored.)
   */
  Future<List<IngestResult>> on(SqlClient client, List<Request> group) {
    IngestResult[] results = new IngestResult[group.size()];
    // Index of each message's first copy in the group; a repeat is answered from it at the end.
    int[] firstCopy = new int[group.size()];
    Map<List<Object>, Integer> seen = new HashMap<>();
    List<Integer> distinct = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      InboundMessage m = group.get(i).message();
      // The same mail in two offices' mailboxes is two messages: external ids are unique per office.
      Integer first = seen.putIfAbsent(List.of(group.get(i).officeId(), m.channel(), m.externalId()), i);
      firstCopy[i] = first == null ? i : first;
      if (first == null) {
        distinct.add(i);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    int from = 0;
    while (from < distinct.size()) {
      int start = from;
      if (alone(group.get(distinct.get(start)).message())) {
        int index = distinct.get(start);
        Request r = group.get(index);
        chain = chain.compose(v -> single.on(client, r.officeId(), r.message()))
            .map(result -> {
              results[index] = result;
              return null;
            });
        from++;
        continue;
      }
      int end = start;
      while (end < distinct.size() && !alone(group.get(distinct.get(end)).message())) {
        end++;
      }
      List<Integer> run = distinct.subList(start, end);
      chain = chain.compose(v -> runOf(client, group, run, results));
      from = end;
    }
    return chain.map(v -> {
      for (int i = 0; i < results.length; i++) {
        if (firstCopy[i] != i) {
          IngestResult first = results[firstCopy[i]];
          results[i] = first == null ? null
              : new IngestResult(first.messageId(), first.caseId(), first.contactId(), true, false);
        }
      }
      return Arrays.asList(results);
    });
  }

  /** One INGEST_GROUP for the messages at {@code run}; fills their results. */
  private static Future<Void> runOf(SqlClient client, List<Request> group, List<Integer> run, IngestResult[] results) {
    int n = run.size();
    Long[] offices = new Long[n];
    String[] channels = new String[n];
    String[] contacts = new String[n];
    String[] externalIds = new String[n];
    String[] names = new String[n];
    String[] bodies = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] subjects = new String[n];
    Boolean[] automated = new Boolean[n];
    String[] channelMessageIds = new String[n];
    Boolean[] sendersUnverified = new Boolean[n];
    for (int i = 0; i < n; i++) {
      Request r = group.get(run.get(i));
      InboundMessage m = r.message();
      offices[i] = r.officeId();
      channels[i] = m.channel();
      contacts[i] = m.contactRef();
      externalIds[i] = m.externalId();
      names[i] = m.contactName();
      bodies[i] = m.text();
      times[i] = m.receivedAt().atOffset(ZoneOffset.UTC);
      subjects[i] = m.subject();
      automated[i] = m.automated();
      channelMessageIds[i] = m.channelMessageId();
      sendersUnverified[i] = m.senderUnverified();
    }
    Tuple params = Tuple.tuple().addArrayOfLong(offices).addArrayOfString(channels).addArrayOfString(contacts)
        .addArrayOfString(externalIds).addArrayOfString(names).addArrayOfString(bodies).addArrayOfOffsetDateTime(times)
        .addArrayOfString(subjects).addArrayOfBoolean(automated).addArrayOfString(channelMessageIds)
        .addArrayOfBoolean(sendersUnverified);
    return client.preparedQuery(MessageSql.INGEST_GROUP).execute(params).compose(rows -> {
      // A message another transaction stored while this statement ran has no row: its result stays null.
      for (Row row : rows) {
        int index = run.get(row.getLong("ord").intValue() - 1);
        results[index] = new IngestResult(row.getLong("message_id"), row.getLong("case_id"), row.getLong("contact_id"),
            row.getBoolean("duplicate"), row.getBoolean("opened"));
      }
      return Future.succeededFuture();
    });
  }
}
