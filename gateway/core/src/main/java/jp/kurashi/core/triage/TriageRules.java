package jp.kurashi.core.triage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The triage rules, parsed from the text file the chief edits (format in {@code triage-rules.txt}).
 * Parsing checks everything; a bad file is a {@link TriageRuleException} naming the line.
 */
public final class TriageRules {

  /** How a rule finds its phrase. */
  enum Kind { SURFACE, LEMMAS, FOREIGN }

  /** One phrase of a category section, compiled for matching. */
  /**
   * @param folded   the folded phrase (for @ rules: lower-cased)
   * @param kanaOnly a kana phrase, also looked for in the message's reading (for @ rules: whole words only)
   */
  record Rule(String category, Urgency urgency, Kind kind, String source, String folded, String reading,
              boolean kanaOnly, String lemmas) {
  }

  private final String text;
  private final List<Rule> rules;
  private final List<String> negations;
  private final List<String> ignored;
  private final List<ForeignNegation> foreignNegations;

  private final PhraseIndex surfaceIndex;
  private final PhraseIndex readingIndex;
  private final PhraseIndex foreignIndex;

  private TriageRules(String text, List<Rule> rules, List<String> negations, List<String> ignored,
                      List<ForeignNegation> foreignNegations) {
    this.foreignNegations = List.copyOf(foreignNegations);
    this.text = text;
    this.rules = List.copyOf(rules);
    this.negations = List.copyOf(negations);
    this.ignored = List.copyOf(ignored);
    // Rule i's written form is phrase 2i, its reading 2i+1: both are looked for in the folded text.
    List<String> surface = new ArrayList<>();
    List<String> kana = new ArrayList<>();
    for (Rule r : this.rules) {
      surface.add(r.folded());
      surface.add(r.reading());
      kana.add(r.kanaOnly() ? r.folded() : null);
    }
    this.surfaceIndex = new PhraseIndex(surface);
    this.readingIndex = new PhraseIndex(kana);
    List<String> foreign = new ArrayList<>();
    for (Rule r : this.rules) {
      foreign.add(r.kind() == Kind.FOREIGN ? r.folded() : null);
    }
    this.foreignIndex = new PhraseIndex(foreign);
  }

  /** Lower-cased phrases of the @ rules: hit phrase p belongs to rule p. */
  PhraseIndex foreignIndex() {
    return foreignIndex;
  }

  /** Phrases in the written text: hit phrase p belongs to rule p / 2. */
  PhraseIndex surfaceIndex() {
    return surfaceIndex;
  }

  /** Kana phrases in the message's reading: hit phrase p belongs to rule p. */
  PhraseIndex readingIndex() {
    return readingIndex;
  }

  private static volatile TriageRules bundled;

  /**
   * The rules shipped with the gateway, compiled once per JVM: compiling runs Kuromoji over every phrase (a few hundred
   * milliseconds), and the rules, like the jar they come from, never change. Immutable, so one instance serves all.
   */
  public static TriageRules bundled() {
    TriageRules rules = bundled;
    if (rules == null) {
      synchronized (TriageRules.class) {
        rules = bundled;
        if (rules == null) {
          rules = compileBundled();
          bundled = rules;
        }
      }
    }
    return rules;
  }

  private static TriageRules compileBundled() {
    try (InputStream in = TriageRules.class.getResourceAsStream("/triage-rules.txt")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (TriageRuleException e) {
      throw new IllegalStateException("the bundled triage rules are broken: " + e.getMessage(), e);
    }
  }

  public static TriageRules parse(String text) throws TriageRuleException {
    List<Rule> rules = new ArrayList<>();
    List<String> negations = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    List<ForeignNegation> foreignNegations = new ArrayList<>();
    String section = null;
    Urgency urgency = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = stripComment(lines[i]).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[")) {
        if (!line.endsWith("]")) {
          throw new TriageRuleException(lineNo, "a section header needs a closing ]");
        }
        String[] parts = line.substring(1, line.length() - 1).strip().split("\\s+");
        section = parts[0];
        if (section.equals("negation") || section.equals("ignore")) {
          if (parts.length != 1) {
            throw new TriageRuleException(lineNo, "[" + section + "] takes no urgency");
          }
          urgency = null;
          continue;
        }
        if (!Category.isKnown(section)) {
          throw new TriageRuleException(lineNo, "unknown category \"" + section + "\" (known: "
              + String.join(", ", Category.codes()) + ")");
        }
        if (parts.length != 2) {
          throw new TriageRuleException(lineNo, "write [category urgency], e.g. [food urgent]");
        }
        try {
          urgency = Urgency.fromCode(parts[1]);
        } catch (IllegalArgumentException e) {
          throw new TriageRuleException(lineNo, "unknown urgency \"" + parts[1] + "\" (crisis, urgent or normal)");
        }
        continue;
      }
      if (section == null) {
        throw new TriageRuleException(lineNo, "a phrase before any [section]");
      }
      switch (section) {
        case "negation" -> {
          if (line.startsWith("@")) {
            foreignNegations.add(foreignNegation(lineNo, line.substring(1).strip()));
            continue;
          }
          // Also as it sounds: a phrase found in the message's reading is followed by the reading of its negation.
          negations.add(TextFolding.fold(line));
          String reading = TextFolding.foldNormalized(JapaneseAnalyzer.reading(TextFolding.nfkc(line)));
          if (!reading.isEmpty() && !negations.contains(reading)) {
            negations.add(reading);
          }
        }
        case "ignore" -> ignored.add(TextFolding.fold(line));
        default -> rules.add(compile(lineNo, section, urgency, line));
      }
    }
    if (rules.isEmpty()) {
      throw new TriageRuleException(lines.length, "no rules at all");
    }
    return new TriageRules(text, rules, negations, ignored, foreignNegations);
  }

  /**
   * A negation in another language, written with … where the phrase stands: 「@不…」 cancels 想死 in
   * 不想死, 「@don't …」 "want to die" in "I don't want to die", 「@… छैन」 मर्न मन in मर्न मन छैन.
   */
  record ForeignNegation(String cue, boolean before) {
  }

  private static ForeignNegation foreignNegation(int lineNo, String line) throws TriageRuleException {
    // Messages are compared in NFKC, lower case; the … is looked for before NFKC turns it into "...".
    if (line.endsWith("…") && line.length() > 1) {
      return new ForeignNegation(TextFolding.nfkc(line.substring(0, line.length() - 1)).strip().toLowerCase(java.util.Locale.ROOT), true);
    }
    if (line.startsWith("…") && line.length() > 1) {
      return new ForeignNegation(TextFolding.nfkc(line.substring(1)).strip().toLowerCase(java.util.Locale.ROOT), false);
    }
    throw new TriageRuleException(lineNo, "a negation for other languages marks where the phrase stands with …, e.g. @不… or @… छैन");
  }

  private static Rule compile(int lineNo, String category, Urgency urgency, String line) throws TriageRuleException {
    if (line.startsWith("~")) {
      String[] words = line.substring(1).strip().split("\\s+");
      if (words.length == 0 || words[0].isEmpty()) {
        throw new TriageRuleException(lineNo, "~ needs dictionary forms, e.g. ~死ぬ たい");
      }
      StringBuilder seq = new StringBuilder("|");
      for (String w : words) {
        seq.append(TextFolding.fold(w)).append('|');
      }
      return new Rule(category, urgency, Kind.LEMMAS, line, null, null, false, seq.toString());
    }
    if (line.startsWith("@")) {
      String phrase = line.substring(1).strip().toLowerCase(Locale.ROOT);
      if (phrase.isEmpty()) {
        throw new TriageRuleException(lineNo, "@ needs a phrase");
      }
      boolean latin = phrase.chars().allMatch(c -> c < 0x250);
      // For @ rules, folded holds the lower-cased phrase and kanaOnly says whether whole words are needed.
      return new Rule(category, urgency, Kind.FOREIGN, line, phrase, null, latin, null);
    }
    String folded = TextFolding.fold(line);
    if (folded.isEmpty()) {
      throw new TriageRuleException(lineNo, "the phrase is empty once folded");
    }
    String reading = JapaneseAnalyzer.reading(TextFolding.nfkc(line));
    // Short readings match too much by sound alone (かね in かねない): only long ones are used.
    boolean kana = folded.length() >= 4 && folded.codePoints().allMatch(cp -> cp >= 0x3041 && cp <= 0x309F);
    return new Rule(category, urgency, Kind.SURFACE, line, folded,
        reading.length() >= 4 && !reading.equals(folded) ? reading : null, kana, null);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }

  List<Rule> rules() {
    return rules;
  }

  List<String> negations() {
    return negations;
  }

  List<ForeignNegation> foreignNegations() {
    return foreignNegations;
  }

  List<String> ignored() {
    return ignored;
  }

  /** The file these rules came from, to show and edit. */
  public String text() {
    return text;
  }

  public int size() {
    return rules.size();
  }
}
