package jp.kurashi.app.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL's COPY text format with every session setting that shapes it fixed, as pg_dump fixes them:
 * the same bytes come out whichever server, time zone or locale, and load the same values into any other.
 */
final class CopyText {

  private CopyText() {
  }

  static void fixSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET client_encoding = 'UTF8'");
      s.execute("SET DateStyle = 'ISO'");
      s.execute("SET IntervalStyle = 'postgres'");
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET extra_float_digits = 3");
      s.execute("SET bytea_output = 'hex'");
    }
  }

  /**
   * Staff login sessions are not kept: a restored desk starts with everyone logged out, and a backup file
   * never carries a way into a live session.
   */
  static final java.util.Set<String> NOT_KEPT = java.util.Set.of("staff_session");

  static String out(String table, List<String> columns) {
    if (NOT_KEPT.contains(table)) {
      return "COPY (SELECT " + Catalog.columnList(columns) + " FROM " + Catalog.quote(table) + " WHERE false) TO STDOUT";
    }
    return "COPY " + Catalog.quote(table) + " (" + Catalog.columnList(columns) + ") TO STDOUT";
  }

  static String in(String table, List<String> columns) {
    return "COPY " + Catalog.quote(table) + " (" + Catalog.columnList(columns) + ") FROM STDIN";
  }
}
