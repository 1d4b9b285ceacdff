package jp.kurashi.console;

import io.vertx.core.json.JsonObject;
import jp.kurashi.core.store.ReportStore.Figures;
import jp.kurashi.core.triage.Category;

import java.nio.charset.Charset;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The city's monthly report for one fiscal year, as JSON and as CSV (columns in docs/reports.md).
 * Every month of the year is present, a month without cases with zeros.
 */
final class MonthlyReport {

  /** The installed channels (core's registry of plug-ins), whether switched on here or not: columns stay fixed. */
  static final List<String> CHANNELS = jp.kurashi.core.channel.Channels.names();
  static final List<String> COMPLAINTS = List.of("received", "closed");
  /** Cases whose consulter or referral source nobody recorded (a resident's own message) are counted here. */
  private static final String UNKNOWN = "unknown";

  private final List<String> urgencies;
  private final List<String> handoffs;
  private final List<String> outcomes;
  /** How a consultation came (相談経路): the online channels, then the routes staff record. */
  private final List<String> routes;
  private final List<String> consulters;
  private final List<String> referralSources;
  private final List<String> milestones;
  private final List<String> followUps;

  /** The report's columns are the contract's lists, in its order. */
  MonthlyReport(ContractEnums enums) {
    this.urgencies = enums.of("Urgency");
    this.handoffs = enums.of("HandoffKind");
    this.outcomes = enums.of("Outcome");
    this.routes = concat(CHANNELS, enums.of("StaffRoute"));
    this.consulters = concat(enums.of("Consulter"), List.of(UNKNOWN));
    this.referralSources = concat(enums.of("ReferralSource"), List.of(UNKNOWN));
    this.milestones = enums.of("MilestoneKind");
    this.followUps = enums.of("ContactKind");
  }

  private static List<String> concat(List<String> first, List<String> then) {
    List<String> all = new ArrayList<>(first);
    all.addAll(then);
    return List.copyOf(all);
  }

  static List<String> months(int fiscalYear) {
    List<String> months = new ArrayList<>();
    YearMonth m = YearMonth.of(fiscalYear, 4);
    for (int i = 0; i < 12; i++) {
      months.add(m.plusMonths(i).toString());
    }
    return months;
  }

  JsonObject json(int fiscalYear, Figures f) {
    Set<String> channels = new LinkedHashSet<>(CHANNELS);
    f.byChannel().values().forEach(m -> channels.addAll(m.keySet()));
    Set<String> routes = new LinkedHashSet<>(this.routes);
    routes.addAll(channels);
    Set<String> agencies = new java.util.TreeSet<>();
    f.handoffsByAgency().values().forEach(m -> agencies.addAll(m.keySet()));
    List<JsonObject> months = new ArrayList<>();
    for (String month : months(fiscalYear)) {
      months.add(month(month, f, channels).put("month", month)
          .put("byRoute", zeros(routes, f.byChannel().get(month)))
          .put("byConsulter", zeros(consulters, f.byConsulter().get(month)))
          .put("byReferralSource", zeros(referralSources, f.byReferralSource().get(month)))
          .put("milestones", zeros(milestones, f.milestones().get(month)))
          .put("complaints", zeros(COMPLAINTS, f.complaints().get(month)))
          .put("followUps", zeros(followUps, f.followUps().get(month)))
          .put("handoffsByAgency", zeros(agencies, f.handoffsByAgency().get(month))));
    }
    JsonObject total = new JsonObject()
        .put("newCases", months.stream().mapToLong(m -> m.getLong("newCases")).sum())
        .put("byChannel", sum(months, "byChannel"))
        .put("byCategory", sum(months, "byCategory"))
        .put("byUrgency", sum(months, "byUrgency"))
        .put("handoffs", sum(months, "handoffs"))
        .put("closedByOutcome", sum(months, "closedByOutcome"))
        .put("byRoute", sum(months, "byRoute"))
        .put("byConsulter", sum(months, "byConsulter"))
        .put("byReferralSource", sum(months, "byReferralSource"))
        .put("milestones", sum(months, "milestones"))
        .put("complaints", sum(months, "complaints"))
        .put("followUps", sum(months, "followUps"))
        .put("handoffsByAgency", sum(months, "handoffsByAgency"))
        .put("medianFirstResponseMinutes", round(f.medianFirstResponse().get("")));
    return new JsonObject().put("fiscalYear", fiscalYear).put("months", new io.vertx.core.json.JsonArray(months))
        .put("total", total);
  }

  private JsonObject month(String month, Figures f, Set<String> channels) {
    JsonObject byChannel = zeros(channels, f.byChannel().get(month));
    long newCases = byChannel.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    return new JsonObject()
        .put("newCases", newCases)
        .put("byChannel", byChannel)
        .put("byCategory", zeros(Category.codes(), f.byCategory().get(month)))
        .put("byUrgency", zeros(urgencies, f.byUrgency().get(month)))
        .put("handoffs", zeros(handoffs, f.handoffs().get(month)))
        .put("closedByOutcome", zeros(outcomes, f.closed().get(month)))
        .put("medianFirstResponseMinutes", round(f.medianFirstResponse().get(month)));
  }

  private static JsonObject zeros(java.util.Collection<String> keys, Map<String, Long> counts) {
    JsonObject out = new JsonObject();
    keys.forEach(k -> out.put(k, counts == null ? 0L : counts.getOrDefault(k, 0L)));
    return out;
  }

  private static JsonObject sum(List<JsonObject> months, String field) {
    JsonObject out = new JsonObject();
    for (JsonObject m : months) {
      m.getJsonObject(field).forEach(e -> out.put(e.getKey(),
          out.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
    }
    return out;
  }

  /** The city's words for the milestone columns, in {@code MilestoneKind} order. */
  static final List<String> MILESTONE_LABELS = List.of("アセスメント実施件数", "プラン作成件数", "再プラン作成件数",
      "評価実施件数");

  /** An agency's name as a CSV header cell: no separators, quotes or line breaks that would shift the columns. */
  private static String csvCell(String name) {
    String cell = name.replaceAll("[,\"\r\n]", " ");
    // A spreadsheet would run a cell starting with = + - @ as a formula.
    return cell.matches("^[=+\\-@].*") ? "'" + cell : cell;
  }

  private static Double round(Double minutes) {
    return minutes == null ? null : Math.round(minutes * 10) / 10.0;
  }

  /** Header, twelve month rows and a total row; UTF-8 with BOM, or Shift_JIS (windows-31j) for older software. */
  byte[] csv(JsonObject report, boolean shiftJis) {
    JsonObject first = report.getJsonArray("months").getJsonObject(0);
    List<String> channels = new ArrayList<>(first.getJsonObject("byChannel").fieldNames());
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("月", "新規相談件数"));
    channels.forEach(c -> header.add("経路_" + c));
    urgencies.forEach(u -> header.add("緊急度_" + u));
    Category.LABELS.forEach((code, label) -> header.add(label));
    handoffs.forEach(h -> header.add("つなぎ_" + h));
    outcomes.forEach(o -> header.add("終結_" + o));
    header.add("初回応答時間の中央値(分)");
    List<String> agencies = new ArrayList<>(first.getJsonObject("handoffsByAgency").fieldNames());
    List<String> routes = new ArrayList<>(first.getJsonObject("byRoute").fieldNames());
    routes.forEach(r -> header.add("相談経路_" + r));
    consulters.forEach(c -> header.add("相談者_" + c));
    referralSources.forEach(r -> header.add("紹介元_" + r));
    MILESTONE_LABELS.forEach(header::add);
    header.add("苦情受付件数");
    header.add("苦情終結件数");
    followUps.forEach(k -> header.add("フォロー_" + k));
    agencies.forEach(a -> header.add("関係機関つなぎ_" + csvCell(a)));
    out.append(String.join(",", header)).append("\r\n");
    for (Object m : report.getJsonArray("months")) {
      row(out, ((JsonObject) m).getString("month"), (JsonObject) m, channels, routes, agencies);
    }
    row(out, "合計", report.getJsonObject("total"), channels, routes, agencies);
    String text = out.toString();
    return shiftJis ? text.getBytes(Charset.forName("windows-31j"))
        : ("\uFEFF" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private void row(StringBuilder out, String label, JsonObject m, List<String> channels, List<String> routes,
                          List<String> agencies) {
    List<String> cells = new ArrayList<>(List.of(label, String.valueOf(m.getLong("newCases"))));
    channels.forEach(c -> cells.add(String.valueOf(m.getJsonObject("byChannel").getLong(c, 0L))));
    urgencies.forEach(u -> cells.add(String.valueOf(m.getJsonObject("byUrgency").getLong(u, 0L))));
    Category.codes().forEach(c -> cells.add(String.valueOf(m.getJsonObject("byCategory").getLong(c, 0L))));
    handoffs.forEach(h -> cells.add(String.valueOf(m.getJsonObject("handoffs").getLong(h, 0L))));
    outcomes.forEach(o -> cells.add(String.valueOf(m.getJsonObject("closedByOutcome").getLong(o, 0L))));
    Double median = m.getDouble("medianFirstResponseMinutes");
    cells.add(median == null ? "" : String.valueOf(median));
    routes.forEach(r -> cells.add(String.valueOf(m.getJsonObject("byRoute").getLong(r, 0L))));
    consulters.forEach(c -> cells.add(String.valueOf(m.getJsonObject("byConsulter").getLong(c, 0L))));
    referralSources.forEach(r -> cells.add(String.valueOf(m.getJsonObject("byReferralSource").getLong(r, 0L))));
    milestones.forEach(k -> cells.add(String.valueOf(m.getJsonObject("milestones").getLong(k, 0L))));
    COMPLAINTS.forEach(k -> cells.add(String.valueOf(m.getJsonObject("complaints").getLong(k, 0L))));
    followUps.forEach(k -> cells.add(String.valueOf(m.getJsonObject("followUps").getLong(k, 0L))));
    agencies.forEach(a -> cells.add(String.valueOf(m.getJsonObject("handoffsByAgency").getLong(a, 0L))));
    out.append(String.join(",", cells)).append("\r\n");
  }
}
