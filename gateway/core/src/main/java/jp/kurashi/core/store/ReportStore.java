package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Figures for the city's monthly report, for one fiscal year (April to March, Asia/Tokyo), counted
 * straight from the case tables on every request, so they can never drift from the cases.
 */
public final class ReportStore {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  private final Pool pool;

  public ReportStore(Pool pool) {
    this.pool = pool;
  }

  /** Counts per month ("YYYY-MM") and key, and the median first-response minutes per month ("" = the year). */
  public record Figures(Map<String, Map<String, Long>> byChannel, Map<String, Map<String, Long>> byUrgency,
                        Map<String, Map<String, Long>> byCategory, Map<String, Map<String, Long>> handoffs,
                        Map<String, Map<String, Long>> closed, Map<String, Double> medianFirstResponse) {
  }

  public Future<Figures> fiscalYear(long officeId, int fiscalYear) {
    Tuple range = Tuple.of(officeId, LocalDate.of(fiscalYear, 4, 1).atStartOfDay(TOKYO).toOffsetDateTime()
        .withOffsetSameInstant(ZoneOffset.UTC), LocalDate.of(fiscalYear + 1, 4, 1).atStartOfDay(TOKYO).toOffsetDateTime()
        .withOffsetSameInstant(ZoneOffset.UTC));
    Future<Map<String, Map<String, Long>>> channel = counts(ReportSql.BY_CHANNEL, range);
    Future<Map<String, Map<String, Long>>> urgency = counts(ReportSql.BY_URGENCY, range);
    Future<Map<String, Map<String, Long>>> category = counts(ReportSql.BY_CATEGORY, range);
    Future<Map<String, Map<String, Long>>> handoffs = counts(ReportSql.HANDOFFS, range);
    Future<Map<String, Map<String, Long>>> closed = counts(ReportSql.CLOSED, range);
    Future<Map<String, Double>> median = pool.preparedQuery(ReportSql.MEDIAN_FIRST_RESPONSE).execute(range).map(rows -> {
      Map<String, Double> out = new HashMap<>();
      for (Row row : rows) {
        out.put(row.getString("month") == null ? "" : row.getString("month"), row.getDouble("median"));
      }
      return out;
    });
    return Future.all(channel, urgency, category, handoffs, closed, median).map(v -> new Figures(channel.result(),
        urgency.result(), category.result(), handoffs.result(), closed.result(), median.result()));
  }

  private Future<Map<String, Map<String, Long>>> counts(String sql, Tuple range) {
    return pool.preparedQuery(sql).execute(range).map(rows -> {
      Map<String, Map<String, Long>> out = new HashMap<>();
      for (Row row : rows) {
        out.computeIfAbsent(row.getString("month"), k -> new HashMap<>()).put(row.getString("k"), row.getLong("n"));
      }
      return out;
    });
  }
}
