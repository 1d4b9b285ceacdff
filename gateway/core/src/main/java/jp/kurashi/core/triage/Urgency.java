package jp.kurashi.core.triage;

import java.util.Locale;

/**
 * How soon someone must answer: {@code crisis} (life in danger now), {@code urgent} (no food, nowhere
 * to sleep tonight, utilities cut, eviction or collectors pressing), {@code normal}.
 */
public enum Urgency {
  NORMAL, URGENT, CRISIS;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Urgency fromCode(String code) {
    return valueOf(code.trim().toUpperCase(Locale.ROOT));
  }

  public Urgency max(Urgency other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
