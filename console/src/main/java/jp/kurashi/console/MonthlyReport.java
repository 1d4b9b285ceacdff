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

  static final List<String> CHANNELS = List.of("webchat", "line", "mail");
  static final List<String> URGENCIES = List.of("crisis", "urgent", "normal");
  static final List<String> HANDOFFS = List.of("appointment", "outreach", "referral");
  static final List<String> OUTCOMES = List.of("information_given", "referred", "in_person_started", "no_response", "other");

  private MonthlyReport() {
  }

  static List<String> months(int fiscalYear) {
    List<String> months = new ArrayList<>();
    YearMonth m = YearMonth.of(fiscalYear, 4);
    for (int i = 0; i < 12; i++) {
      months.add(m.plusMonths(i).toString());
    }
    return months;
  }

  static JsonObject json(int fiscalYear, Figures f) {
    Set<String> channels = new LinkedHashSet<>(CHANNELS);
    f.byChannel().values().forEach(m -> channels.addAll(m.keySet()));
    List<JsonObject> months = new ArrayList<>();
    for (String month : months(fiscalYear)) {
      months.add(month(month, f, channels).put("month", month));
    }
    JsonObject total = new JsonObject()
        .put("newCases", months.stream().mapToLong(m -> m.getLong("newCases")).sum())
        .put("byChannel", sum(months, "byChannel"))
        .put("byCategory", sum(months, "byCategory"))
        .put("byUrgency", sum(months, "byUrgency"))
        .put("handoffs", sum(months, "handoffs"))
        .put("closedByOutcome", sum(months, "closedByOutcome"))
        .put("medianFirstResponseMinutes", round(f.medianFirstResponse().get("")));
    return new JsonObject().put("fiscalYear", fiscalYear).put("months", new io.vertx.core.json.JsonArray(months))
        .put("total", total);
  }

  private static JsonObject month(String month, Figures f, Set<String> channels) {
    JsonObject byChannel = zeros(channels, f.byChannel().get(month));
    long newCases = byChannel.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    return new JsonObject()
        .put("newCases", newCases)
        .put("byChannel", byChannel)
        .put("byCategory", zeros(Category.codes(), f.byCategory().get(month)))
        .put("byUrgency", zeros(URGENCIES, f.byUrgency().get(month)))
        .put("handoffs", zeros(HANDOFFS, f.handoffs().get(month)))
        .put("closedByOutcome", zeros(OUTCOMES, f.closed().get(month)))
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

  private static Double round(Double minutes) {
    return minutes == null ? null : Math.round(minutes * 10) / 10.0;
  }

  /** Header, twelve month rows and a total row; UTF-8 with BOM, or Shift_JIS (windows-31j) for older software. */
  static byte[] csv(JsonObject report, boolean shiftJis) {
    JsonObject first = report.getJsonArray("months").getJsonObject(0);
    List<String> channels = new ArrayList<>(first.getJsonObject("byChannel").fieldNames());
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("月", "新規相談件数"));
    channels.forEach(c -> header.add("経路_" + c));
    URGENCIES.forEach(u -> header.add("緊急度_" + u));
    Category.LABELS.forEach((code, label) -> header.add(label));
    HANDOFFS.forEach(h -> header.add("つなぎ_" + h));
    OUTCOMES.forEach(o -> header.add("終結_" + o));
    header.add("初回応答時間の中央値(分)");
    out.append(String.join(",", header)).append("\r\n");
    for (Object m : report.getJsonArray("months")) {
      row(out, ((JsonObject) m).getString("month"), (JsonObject) m, channels);
    }
    row(out, "合計", report.getJsonObject("total"), channels);
    String text = out.toString();
    return shiftJis ? text.getBytes(Charset.forName("windows-31j"))
        : ("\uFEFF" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void row(StringBuilder out, String label, JsonObject m, List<String> channels) {
    List<String> cells = new ArrayList<>(List.of(label, String.valueOf(m.getLong("newCases"))));
    channels.forEach(c -> cells.add(String.valueOf(m.getJsonObject("byChannel").getLong(c, 0L))));
    URGENCIES.forEach(u -> cells.add(String.valueOf(m.getJsonObject("byUrgency").getLong(u, 0L))));
    Category.codes().forEach(c -> cells.add(String.valueOf(m.getJsonObject("byCategory").getLong(c, 0L))));
    HANDOFFS.forEach(h -> cells.add(String.valueOf(m.getJsonObject("handoffs").getLong(h, 0L))));
    OUTCOMES.forEach(o -> cells.add(String.valueOf(m.getJsonObject("closedByOutcome").getLong(o, 0L))));
    Double median = m.getDouble("medianFirstResponseMinutes");
    cells.add(median == null ? "" : String.valueOf(median));
    out.append(String.join(",", cells)).append("\r\n");
  }
}
