package jp.kurashi.core.triage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hardship categories, after the national intake form's 「本人の状況」, with the Japanese labels
 * staff and the city's monthly report use.
 */
public final class Category {

  /** Code to Japanese label, in the order of the intake form. */
  public static final Map<String, String> LABELS = labels();

  private Category() {
  }

  private static Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("economic", "経済的困窮");
    m.put("debt", "多重・過剰債務");
    m.put("budget", "家計管理の課題");
    m.put("arrears", "税金・公共料金・家賃等の滞納");
    m.put("housing", "住まい不安定");
    m.put("homeless", "ホームレス");
    m.put("food", "食料がない");
    m.put("job_seeking", "就職活動困難");
    m.put("work_trouble", "仕事上の不安・トラブル・就職定着困難");
    m.put("illness", "病気・けが");
    m.put("disability", "障害");
    m.put("mental_health", "メンタルヘルス");
    m.put("suicide_risk", "自死企図・希死念慮");
    m.put("family", "家族関係・家族の問題");
    m.put("dv_abuse", "DV・虐待");
    m.put("care", "介護");
    m.put("childcare", "子育て・ひとり親");
    m.put("child_education", "不登校・進路・学費");
    m.put("isolation", "社会的孤立・ひきこもり");
    m.put("legal", "法律問題・詐欺・契約トラブル");
    m.put("foreign", "外国籍・日本語支援");
    m.put("other", "その他");
    return java.util.Collections.unmodifiableMap(m);
  }

  public static Set<String> codes() {
    return LABELS.keySet();
  }

  public static boolean isKnown(String code) {
    return LABELS.containsKey(code);
  }
}
