package jp.kurashi.app.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the database itself says about the gateway's schema (tables, columns, foreign keys, id sequences),
 * read from {@code pg_catalog} so backup and restore follow whatever the migrations built, with no list to keep.
 */
final class Catalog {

  /** Flyway's own bookkeeping: a restore writes it by migrating, never by copying. */
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  private static final String TABLE_COLUMNS = """
      SELECT c.relname, a.attname
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> ?
      ORDER BY c.relname, a.attnum
      """;

  private static final String FOREIGN_KEYS = """
      SELECT child.relname, parent.relname
      FROM pg_constraint k
      JOIN pg_class child ON child.oid = k.conrelid
      JOIN pg_class parent ON parent.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = child.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()
      """;

  /** Sequences owned by a column (bigserial and identity), with that column. */
  private static final String SEQUENCES = """
      SELECT s.relname, t.relname, a.attname
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND d.deptype IN ('a', 'i') AND n.nspname = current_schema()
      ORDER BY s.relname
      """;

  private static final String SCHEMA_VERSION = """
      SELECT version FROM %s WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1
      """.formatted(FLYWAY_HISTORY);

  /** An id sequence and the column it feeds. */
  record OwnedSequence(String name, String table, String column) {
  }

  private Catalog() {
  }

  /** Every table of the schema but Flyway's, with its columns in order; sorted by name. */
  static Map<String, List<String>> tables(Connection c) throws SQLException {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(TABLE_COLUMNS)) {
      s.setString(1, FLYWAY_HISTORY);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          tables.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
        }
      }
    }
    return tables;
  }

  /** The version Flyway last applied, or empty when the database has no gateway schema yet. */
  static Optional<String> schemaVersion(Connection c) throws SQLException {
    if (!exists(c, FLYWAY_HISTORY)) {
      return Optional.empty();
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SCHEMA_VERSION)) {
      return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
    }
  }

  static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?))")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getString(1) != null;
      }
    }
  }

  static List<OwnedSequence> sequences(Connection c) throws SQLException {
    List<OwnedSequence> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SEQUENCES)) {
      while (r.next()) {
        out.add(new OwnedSequence(r.getString(1), r.getString(2), r.getString(3)));
      }
    }
    return out;
  }

  /**
   * The tables ordered so that every table comes after those it references: loading in this order satisfies
   * each foreign key as it is checked, with no superuser setting to switch checks off. A table referencing
   * itself is fine (a COPY checks its own rows at the end of the statement).
   */
  static List<String> loadOrder(Connection c, Set<String> tables) throws SQLException, BackupException {
    Map<String, Set<String>> parents = new HashMap<>();
    tables.forEach(t -> parents.put(t, new HashSet<>()));
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(FOREIGN_KEYS)) {
      while (r.next()) {
        String child = r.getString(1);
        String parent = r.getString(2);
        if (!child.equals(parent) && tables.contains(child) && tables.contains(parent)) {
          parents.get(child).add(parent);
        }
      }
    }
    List<String> order = new ArrayList<>();
    Deque<String> ready = new ArrayDeque<>(new TreeSet<>(tables.stream().filter(t -> parents.get(t).isEmpty()).toList()));
    Set<String> placed = new HashSet<>();
    while (!ready.isEmpty()) {
      String next = ready.removeFirst();
      order.add(next);
      placed.add(next);
      new TreeSet<>(tables).stream()
          .filter(t -> !placed.contains(t) && !ready.contains(t) && parents.get(t).contains(next)
              && placed.containsAll(parents.get(t)))
          .forEach(ready::addLast);
    }
    if (order.size() != tables.size()) {
      Set<String> left = new TreeSet<>(tables);
      left.removeAll(placed);
      throw new BackupException("tables reference each other in a cycle, cannot order them: " + String.join(", ", left));
    }
    return order;
  }

  /** A name as a quoted SQL identifier; names come from the catalog, quoting keeps odd ones harmless. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String columnList(List<String> columns) {
    return String.join(", ", columns.stream().map(Catalog::quote).toList());
  }
}
