package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
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
                        Map<String, Map<String, Long>> closed, Map<String, Double> medianFirstResponse,
                        Map<String, Map<String, Long>> byConsulter, Map<String, Map<String, Long>> byReferralSource,
                        Map<String, Map<String, Long>> milestones, Map<String, Map<String, Long>> complaints,
                        Map<String, Map<String, Long>> followUps, Map<String, Map<String, Long>> handoffsByAgency) {
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
    Future<Map<String, Map<String, Long>>> consulter = counts(ReportSql.BY_CONSULTER, range);
    Future<Map<String, Map<String, Long>>> referral = counts(ReportSql.BY_REFERRAL_SOURCE, range);
    Future<Map<String, Map<String, Long>>> milestones = counts(ReportSql.MILESTONES, range);
    Future<Map<String, Map<String, Long>>> complaints = counts(ReportSql.COMPLAINTS, range);
    Future<Map<String, Map<String, Long>>> followUps = counts(ReportSql.FOLLOW_UPS, range);
    Future<Map<String, Map<String, Long>>> byAgency = counts(ReportSql.HANDOFFS_BY_AGENCY, range);
    return Future.all(List.of(channel, urgency, category, handoffs, closed, median, consulter, referral, milestones,
            complaints, followUps, byAgency))
        .map(v -> new Figures(channel.result(), urgency.result(), category.result(), handoffs.result(), closed.result(),
            median.result(), consulter.result(), referral.result(), milestones.result(), complaints.result(),
            followUps.result(), byAgency.result()));
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
