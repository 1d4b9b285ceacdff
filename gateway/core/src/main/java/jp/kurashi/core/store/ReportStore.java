package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

  /** One office of the deployment. */
  public record Office(long id, String code, String name) {
  }

  /**
   * One office's queue as counts: open cases, open crisis cases, those waiting for staff (the resident wrote last)
   * and of them the crisis ones, and the latest inbound message of the case that has waited longest (null: none).
   */
  public record QueueCounts(Office office, long open, long crisis, long waiting, long crisisWaiting,
                            Instant oldestWaitingSince) {
  }

  /** Every office, oldest first. */
  public Future<List<Office>> offices() {
    return pool.query(ReportSql.OFFICES).execute().map(rows -> {
      List<Office> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Office(r.getLong("id"), r.getString("code"), r.getString("name"))));
      return out;
    });
  }

  /** Every office's queue counts, oldest office first; never a case's content. */
  public Future<List<QueueCounts>> queueCounts() {
    return offices().compose(offices -> pool.query(ReportSql.QUEUE_COUNTS).execute().map(rows -> {
      Map<Long, Office> byId = new HashMap<>();
      offices.forEach(o -> byId.put(o.id(), o));
      List<QueueCounts> out = new ArrayList<>();
      for (Row r : rows) {
        Office office = byId.get(r.getLong("id"));
        if (office == null) {
          continue; // created between the two queries: shown on the next request
        }
        OffsetDateTime oldest = r.getOffsetDateTime("oldest_waiting");
        out.add(new QueueCounts(office, r.getLong("open"), r.getLong("crisis"), r.getLong("waiting"),
            r.getLong("crisis_waiting"), oldest == null ? null : oldest.toInstant()));
      }
      return out;
    }));
  }

  public Future<Figures> fiscalYear(long officeId, int fiscalYear) {
    return fiscalYear(List.of(officeId), fiscalYear);
  }

  /**
   * The figures of these offices together: counts are the sums of each office's, the median first response is the
   * median over all their cases (not a sum of medians).
   */
  public Future<Figures> fiscalYear(List<Long> officeIds, int fiscalYear) {
    Tuple range = Tuple.of(officeIds.toArray(new Long[0]), LocalDate.of(fiscalYear, 4, 1).atStartOfDay(TOKYO).toOffsetDateTime()
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
