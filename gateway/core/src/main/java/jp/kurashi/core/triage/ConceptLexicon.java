package jp.kurashi.core.triage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Concepts named in the languages residents write in ({@code triage/concepts.txt}: 「死にた」, "kill myself",
 * 想死, "muon chet", मर्न मन …). The model reads "this message mentions death_wish" as a feature, so what
 * it learns of a concept from the many Japanese examples carries over to languages it has few examples
 * in. Matching ignores case, width, katakana/hiragana, long-vowel marks and accents.
 */
public final class ConceptLexicon {

  private static final String BUNDLED = "/triage/concepts.txt";
  private static final ConceptLexicon INSTANCE = load();

  private final List<String> concepts;
  private final int[] conceptOfPhrase;
  private final PhraseIndex index;
  private final String sha256;

  private ConceptLexicon(List<String> concepts, int[] conceptOfPhrase, List<String> phrases, String sha256) {
    this.concepts = List.copyOf(concepts);
    this.conceptOfPhrase = conceptOfPhrase;
    this.index = new PhraseIndex(phrases);
    this.sha256 = sha256;
  }

  /** The lexicon shipped in the jar, which every model is trained and run with. */
  public static ConceptLexicon bundled() {
    return INSTANCE;
  }

  /** Parses the lexicon format: {@code [concept]} headers, one phrase per line, {@code #} comments. */
  static ConceptLexicon parse(String text) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    List<String> phrases = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    int current = -1;
    int n = 0;
    for (String raw : text.split("\n", -1)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = ids.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> ids.size());
        continue;
      }
      if (current < 0) {
        throw new IllegalArgumentException("concepts line " + n + ": a phrase before any [concept]");
      }
      String key = key(line);
      if (key.isBlank()) {
        throw new IllegalArgumentException("concepts line " + n + ": nothing left to match after folding");
      }
      phrases.add(key);
      owners.add(current);
    }
    return new ConceptLexicon(new ArrayList<>(ids.keySet()), owners.stream().mapToInt(Integer::intValue).toArray(),
        phrases, sha256(text));
  }

  private static ConceptLexicon load() {
    try (InputStream in = ConceptLexicon.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("the concept lexicon is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The concepts a message mentions, by name, sorted. */
  public List<String> find(String nfkcText) {
    TreeSet<String> found = new TreeSet<>();
    for (PhraseIndex.Hit hit : index.search(key(nfkcText))) {
      found.add(concepts.get(conceptOfPhrase[hit.phrase()]));
    }
    return List.copyOf(found);
  }

  /** The concept names, in the file's order. */
  public List<String> concepts() {
    return concepts;
  }

  public int size() {
    return concepts.size();
  }

  /** Which lexicon a model was trained with: a model only runs with the lexicon it learned from. */
  public String sha256() {
    return sha256;
  }

  /** The form both phrases and messages are compared in: folded, single spaces, no accents. */
  static String key(String text) {
    String nfkc = TextFolding.nfkc(text).toLowerCase(java.util.Locale.ROOT);
    StringBuilder out = new StringBuilder(nfkc.length() + 2).append(' ');
    boolean space = true;
    for (int i = 0; i < nfkc.length(); ) {
      int cp = nfkc.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x30A1 && cp <= 0x30F6) {
        cp -= 0x60;
      }
      if (cp == 'ー' || cp == '〜' || cp == '~') {
        continue;
      }
      if (Character.isWhitespace(cp)) {
        if (!space) {
          out.append(' ');
          space = true;
        }
        continue;
      }
      space = false;
      out.appendCodePoint(cp);
    }
    return TextFolding.withoutAccents(out.toString());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
