package jp.kurashi.core.triage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hardship categories, after the national intake form's 「本人の状況」, with the Japanese labels
 * staff and the city's monthly report use, and English ones for staff who read the console in English.
 *
 * <p>{@code illness} (病気) and {@code injury} (けが) are apart because the city counts 病気 on its own.
 * Before schema V10 {@code illness} meant 病気・けが; those cases keep {@code illness} and are counted as 病気.
 */
public final class Category {

  /** Code to Japanese label, in the order of the intake form. */
  public static final Map<String, String> LABELS;

  /** Code to English label, same order and codes as {@link #LABELS}. */
  public static final Map<String, String> LABELS_EN;

  static {
    Map<String, String> ja = new LinkedHashMap<>();
    Map<String, String> en = new LinkedHashMap<>();
    add(ja, en, "economic", "経済的困窮", "Financial hardship");
    add(ja, en, "debt", "多重・過剰債務", "Multiple or excessive debts");
    add(ja, en, "budget", "家計管理の課題", "Household budgeting");
    add(ja, en, "arrears", "税金・公共料金・家賃等の滞納", "Arrears (tax, utilities, rent)");
    add(ja, en, "housing", "住まい不安定", "Unstable housing");
    add(ja, en, "homeless", "ホームレス", "Homelessness");
    add(ja, en, "food", "食料がない", "No food");
    add(ja, en, "job_seeking", "就職活動困難", "Difficulty finding work");
    add(ja, en, "work_trouble", "仕事上の不安・トラブル・就職定着困難", "Trouble at work, keeping a job");
    add(ja, en, "illness", "病気", "Illness");
    add(ja, en, "injury", "けが", "Injury");
    add(ja, en, "disability", "障害", "Disability");
    add(ja, en, "mental_health", "メンタルヘルス", "Mental health");
    add(ja, en, "suicide_risk", "自死企図・希死念慮", "Suicidal thoughts or attempt");
    add(ja, en, "family", "家族関係・家族の問題", "Family relationships and problems");
    add(ja, en, "dv_abuse", "DV・虐待", "Domestic violence, abuse");
    add(ja, en, "care", "介護", "Caring for a relative");
    add(ja, en, "childcare", "子育て・ひとり親", "Raising children, single parent");
    add(ja, en, "child_education", "不登校・進路・学費", "School refusal, schooling, fees");
    add(ja, en, "isolation", "社会的孤立・ひきこもり", "Social isolation, hikikomori");
    add(ja, en, "legal", "法律問題・詐欺・契約トラブル", "Legal problems, fraud, contracts");
    add(ja, en, "foreign", "外国籍・日本語支援", "Foreign nationality, Japanese support");
    add(ja, en, "other", "その他", "Other");
    LABELS = Collections.unmodifiableMap(ja);
    LABELS_EN = Collections.unmodifiableMap(en);
  }

  private Category() {
  }

  private static void add(Map<String, String> ja, Map<String, String> en, String code, String jaLabel, String enLabel) {
    ja.put(code, jaLabel);
    en.put(code, enLabel);
  }

  public static Set<String> codes() {
    return LABELS.keySet();
  }

  public static boolean isKnown(String code) {
    return LABELS.containsKey(code);
  }
}
