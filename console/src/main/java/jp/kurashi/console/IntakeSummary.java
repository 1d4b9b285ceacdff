package jp.kurashi.console;

import io.vertx.core.json.JsonObject;
import jp.kurashi.core.domain.Accommodation;
import jp.kurashi.core.triage.Category;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The one-page intake summary handed to the in-person consultant, printable from the browser. */
final class IntakeSummary {

  private static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyy年M月d日 H:mm")
      .withZone(ZoneId.of("Asia/Tokyo"));
  private static final Map<String, String> KINDS = Map.of("appointment", "窓口での面談", "outreach", "訪問(アウトリーチ)",
      "referral", "関係機関へのつなぎ");
  /** 相談経路: how the consultation came (the case's channel), who consulted, who sent them. */
  private static final Map<String, String> ROUTES = routes();
  private static final Map<String, String> CONSULTERS = Map.of("self", "本人", "family", "家族", "acquaintance", "知人",
      "agency", "関係機関");
  private static final Map<String, String> SOURCES = Map.of("agency", "関係機関", "neighbour", "近隣住民",
      "former_client", "以前の相談者", "ward_office", "区役所", "self", "本人(自ら)");
  private static final Map<String, String> URGENCY = Map.of("crisis", "緊急(危機)", "urgent", "至急", "normal", "通常");

  private IntakeSummary() {
  }

  /** The installed channels' names and the routes of consultations staff record. */
  private static Map<String, String> routes() {
    Map<String, String> routes = new java.util.HashMap<>(Map.of("phone", "電話", "walk_in", "窓口来所",
        "outreach", "訪問(アウトリーチ)", "referral", "関係機関からのつなぎ"));
    jp.kurashi.core.channel.Channels.labels().forEach((code, label) -> routes.put(code, label.in("ja")));
    return Map.copyOf(routes);
  }

  /** A contact means in the summary's words: a channel's name or one of the desk's own means. */
  private static String contactMeans(String means) {
    return Accommodation.OTHER_CONTACT_MEANS.getOrDefault(means, ROUTES.getOrDefault(means, means));
  }

  static String html(JsonObject h) {
    StringBuilder categories = new StringBuilder();
    h.getJsonArray("categories").forEach(c -> categories.append("<li>")
        .append(escape(Category.LABELS.getOrDefault(String.valueOf(c), String.valueOf(c)))).append("</li>"));
    return """
        <!doctype html><html lang="ja"><head><meta charset="utf-8"><title>引き継ぎ票 %s</title>
        <style>body{font-family:"Noto Sans JP",sans-serif;max-width:48rem;margin:1.5rem auto;color:#111}
        h1{font-size:1.3rem;border-bottom:2px solid #111}table{border-collapse:collapse;width:100%%}
        th,td{border:1px solid #555;padding:.4rem;text-align:left;vertical-align:top}th{width:11rem;background:#eee}
        @media print{body{margin:0}}</style></head><body>
        <h1>インテーク引き継ぎ票(相談番号 KS-%s)</h1>
        <table>
        <tr><th>引き継ぎの種類</th><td>%s</td></tr>
        <tr><th>日時</th><td>%s</td></tr>
        <tr><th>つなぎ先</th><td>%s</td></tr>
        <tr><th>関係機関への情報提供の同意</th><td>%s</td></tr>
        <tr><th>相談者</th><td>%s</td></tr>
        <tr><th>最初の連絡</th><td>%s(%s)</td></tr>
        <tr><th>相談経路</th><td>%s</td></tr>
        <tr><th>緊急度</th><td>%s</td></tr>
        <tr><th>本人の状況</th><td><ul>%s</ul></td></tr>
        <tr><th>配慮が必要なこと</th><td style="white-space:pre-wrap">%s</td></tr>
        <tr><th>担当者からの申し送り</th><td style="white-space:pre-wrap">%s</td></tr>
        <tr><th>作成</th><td>%s %s</td></tr>
        </table>
        <p>この票には個人情報が含まれます。面談後は所定の方法で保管・廃棄してください。</p>
        </body></html>
        """.formatted(h.getLong("caseId"), h.getLong("caseId"), escape(KINDS.getOrDefault(h.getString("kind"), h.getString("kind"))),
        time(h.getString("at")), escape(h.getString("agency") == null ? "—" : h.getString("agency")
            + (h.getString("agencyPhone") == null ? "" : " " + h.getString("agencyPhone"))),
        sharingConsent(h),
        escape(h.getString("contactName") == null ? "(名前未登録)" : h.getString("contactName")),
        time(h.getString("openedAt")), escape(label(ROUTES, h.getString("channel"))), route(h),
        escape(URGENCY.getOrDefault(h.getString("urgency"), h.getString("urgency"))), categories, accommodation(h),
        escape(h.getString("note") == null ? "" : h.getString("note")), time(h.getString("createdAt")),
        escape(h.getString("staffName")));
  }

  /** The route, who consulted and who sent them (with the agency), escaped. */
  static String route(JsonObject h) {
    StringBuilder out = new StringBuilder(label(ROUTES, h.getString("channel")));
    if (h.getString("consulter") != null) {
      out.append(" / 相談者: ").append(label(CONSULTERS, h.getString("consulter")));
    }
    if (h.getString("referralSource") != null) {
      out.append(" / 紹介元: ").append(label(SOURCES, h.getString("referralSource")));
      if (h.getString("referralAgency") != null) {
        out.append("(").append(h.getString("referralAgency")).append(")");
      }
    }
    return escape(out.toString());
  }

  private static String label(Map<String, String> labels, String code) {
    return code == null ? "—" : labels.getOrDefault(code, code);
  }

  /** Whether the resident agreed to their information going to the agency: あり, なし, or — (no agency, not recorded). */
  private static String sharingConsent(JsonObject h) {
    Boolean agreed = h.getBoolean("sharingConsent");
    return agreed == null ? "—" : agreed ? "あり" : "なし(本人の同意がないため、つなぎ先に相談内容を伝えないでください)";
  }

  /** The case's communication needs and preferred contact, escaped; 「記録なし」 when staff recorded none. */
  private static String accommodation(JsonObject h) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    java.util.List<String> needs = new java.util.ArrayList<>();
    h.getJsonArray("needs", new io.vertx.core.json.JsonArray())
        .forEach(n -> needs.add(Accommodation.NEEDS.getOrDefault(String.valueOf(n), String.valueOf(n))));
    if (!needs.isEmpty()) {
      parts.add("伝え方: " + String.join("、", needs));
    }
    String means = h.getString("contactMeans");
    String hours = h.getString("contactHours");
    if (means != null || hours != null) {
      parts.add("連絡の希望: " + (means == null ? "" : contactMeans(means))
          + (means != null && hours != null ? "、" : "") + (hours == null ? "" : hours));
    }
    if (h.getString("accommodationNote") != null) {
      parts.add(h.getString("accommodationNote"));
    }
    return escape(parts.isEmpty() ? "記録なし" : String.join("\n", parts));
  }

  private static String time(String iso) {
    return iso == null ? "—" : JST.format(Instant.parse(iso));
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
