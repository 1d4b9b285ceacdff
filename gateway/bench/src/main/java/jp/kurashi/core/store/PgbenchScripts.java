package jp.kurashi.core.store;

/**
 * pgbench scripts running exactly the SQL the inbound pipeline runs, so the benchmark compares the
 * gateway with the database's own ceiling. Lives in the store package to read the statement itself.
 */
public final class PgbenchScripts {

  /** Group-commit transactions the pipeline runs at once: the clients for {@link #ingestGroup}. */
  public static final int GROUP_COMMIT_IN_FLIGHT = MessageStore.GROUP_COMMIT_IN_FLIGHT;

  private PgbenchScripts() {
  }

  /** The pipeline's single ingest statement, with pgbench variables for its parameters. */
  public static String ingest(long officeId, int contacts) {
    String sql = MessageSql.INGEST
        .replace("$11", "NULL")
        .replace("$10", "NULL")
        .replace("$8", "NULL")
        .replace("$9", "false")
        .replace("$1", ":office")
        .replace("$2", "'webchat'")
        .replace("$3", "('bench-contact-' || :contact)")
        .replace("$4", "('pgbench-' || :eid)")
        .replace("$5", "NULL")
        .replace("$6", "'家賃が払えず困っています。相談できますか。'")
        .replace("$7", "now()");
    return variables(officeId, contacts) + sql.replace('\n', ' ').strip() + ";\n";
  }

  /**
   * The set-based statement the group commit sends ({@link MessageSql#INGEST_GROUP}), {@code batch} messages per
   * statement from random contacts (a contact may come twice). pgbench cannot bind arrays, so each array is built
   * by a small subquery in the statement itself: a little more work for the server than binding them.
   */
  public static String ingestGroup(long officeId, int contacts, int batch) {
    String rows = " FROM generate_series(1, " + batch + ") g)";
    String sql = MessageSql.INGEST_GROUP
        .replace("$10", "(SELECT array_agg(NULL::text)" + rows)
        .replace("$1", "(SELECT array_agg(:office::bigint)" + rows)
        .replace("$2", "(SELECT array_agg('webchat'::text)" + rows)
        .replace("$3", "(SELECT array_agg('bench-contact-' || (1 + floor(random() * " + contacts + "))::int)" + rows)
        .replace("$4", "(SELECT array_agg('pgbench-set-' || :eid || '-' || g)" + rows)
        .replace("$5", "(SELECT array_agg(NULL::text)" + rows)
        .replace("$6", "(SELECT array_agg('家賃が払えず困っています。相談できますか。'::text)" + rows)
        .replace("$7", "(SELECT array_agg(now())" + rows)
        .replace("$8", "(SELECT array_agg(NULL::text)" + rows)
        .replace("$9", "(SELECT array_agg(false)" + rows);
    return variables(officeId, contacts) + sql.replace('\n', ' ').strip() + ";\n";
  }

  /** The same work as three statements in an explicit transaction, as a hand-written client would do it. */
  public static String threeStatements(long officeId, int contacts) {
    return variables(officeId, contacts) + """
        BEGIN;
        INSERT INTO contact (office_id, channel, external_id, last_seen_at) VALUES (:office, 'webchat', 'bench-contact-' || :contact, now()) ON CONFLICT (office_id, channel, external_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at RETURNING id \\gset c_
        INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, last_message_at, last_inbound_at) VALUES (:office, :c_id, 'webchat', now(), now(), now()) ON CONFLICT (contact_id) WHERE status = 'open' DO UPDATE SET last_message_at = EXCLUDED.last_message_at RETURNING id \\gset k_
        INSERT INTO message (office_id, case_id, contact_id, channel, direction, external_id, body, delivery) VALUES (:office, :k_id, :c_id, 'webchat', 'in', 'pgbench3-' || :eid, '家賃が払えず困っています。相談できますか。', 'received') ON CONFLICT (office_id, channel, external_id) DO NOTHING;
        END;
        """;
  }

  private static String variables(long officeId, int contacts) {
    return "\\set office " + officeId + "\n"
        + "\\set contact random(1, " + contacts + ")\n"
        + "\\set eid random(1, 1000000000000)\n";
  }
}
