package jp.kurashi.core.triage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A set of labelled messages to train or measure on, in a canonical order (so the same messages give
 * the same model and the same hash, whatever order the files were named in). The shipped corpus is in
 * the jar under {@code /triage/corpus/}.
 */
public record TriageCorpus(List<LabelledMessage> messages) {

  private static final String BUNDLED = "/triage/corpus/";
  private static final List<String> BUNDLED_FILES =
      List.of("part-a-japanese.jsonl", "part-b-registers.jsonl", "part-c-languages.jsonl", "part-d-japanese.jsonl",
          "part-e-languages.jsonl", "part-f-followups.jsonl", "part-g-japanese.jsonl", "part-h-languages.jsonl",
          "part-i-followups.jsonl", "part-l-japanese.jsonl", "part-m-languages.jsonl",
          "part-n-japanese.jsonl", "part-o-languages.jsonl", "part-p-languages.jsonl");

  public TriageCorpus {
    List<LabelledMessage> sorted = new ArrayList<>(messages);
    sorted.sort(Comparator.comparing(LabelledMessage::id).thenComparing(m -> m.toJson().encode()));
    Set<String> ids = new HashSet<>();
    for (LabelledMessage m : sorted) {
      if (!ids.add(m.id())) {
        throw new IllegalArgumentException("the id " + m.id() + " occurs twice");
      }
    }
    messages = List.copyOf(sorted);
  }

  /** The shipped corpus, read once: it is immutable, and the trainer, the model check and the refresh all need it. */
  public static TriageCorpus bundled() {
    return Bundled.CORPUS;
  }

  /** {@link #sha256()} of the shipped corpus, computed once. */
  public static String bundledSha256() {
    return Bundled.SHA256;
  }

  /**
   * {@code count} texts spread over the shipped corpus (every part, so every language and register), read afresh and
   * not kept: for exercising the message path at start-up, where holding 7,900 messages for good would waste heap.
   */
  public static List<String> sampleTexts(int count) {
    List<LabelledMessage> all = load().messages();
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      // 7,919 is prime, so the steps visit the whole corpus before any message comes round again.
      texts.add(all.get((int) ((long) i * 7919 % all.size())).text());
    }
    return texts;
  }

  /** Loaded on first use only: a gateway that never trains or checks a model does not parse 7,900 lines. */
  private static final class Bundled {
    static final TriageCorpus CORPUS = load();
    static final String SHA256 = CORPUS.sha256();
  }

  private static TriageCorpus load() {
    List<LabelledMessage> all = new ArrayList<>();
    for (String file : BUNDLED_FILES) {
      try (InputStream in = TriageCorpus.class.getResourceAsStream(BUNDLED + file)) {
        if (in == null) {
          throw new IllegalStateException("the bundled corpus file " + file + " is missing from the jar");
        }
        all.addAll(LabelledMessage.parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new TriageCorpus(all);
  }

  public static TriageCorpus read(List<Path> files) throws IOException {
    List<LabelledMessage> all = new ArrayList<>();
    for (Path file : files) {
      all.addAll(LabelledMessage.parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8)));
    }
    return new TriageCorpus(all);
  }

  public int size() {
    return messages.size();
  }

  /** SHA-256 of the messages' canonical lines: what a model file records to say what it learned from. */
  public String sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (LabelledMessage m : messages) {
        digest.update(m.toJson().encode().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
