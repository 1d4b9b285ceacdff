package jp.kurashi.core.office;

import java.util.Map;

/**
 * A text in several languages; Japanese is the default and must be present.
 */
public record LocalizedText(Map<String, String> byLanguage) {

  public static final String DEFAULT_LANGUAGE = "ja";

  public LocalizedText {
    byLanguage = Map.copyOf(byLanguage);
    if (!byLanguage.containsKey(DEFAULT_LANGUAGE)) {
      throw new IllegalArgumentException("a Japanese (ja) text is required");
    }
  }

  /** The text in {@code language}, else in Japanese. */
  public String in(String language) {
    return byLanguage.getOrDefault(language, byLanguage.get(DEFAULT_LANGUAGE));
  }
}
