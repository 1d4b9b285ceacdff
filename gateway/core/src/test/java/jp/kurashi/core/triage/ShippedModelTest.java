package jp.kurashi.core.triage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The shipped triage model")
class ShippedModelTest {

  private static final String RETRAIN = "the shipped model is not the one the corpus gives: run "
      + "java -jar gateway/target/gateway.jar triage train gateway/core/src/main/resources/triage/corpus/*.jsonl "
      + "--out gateway/core/src/main/resources/triage/model.bin";

  @Test
  @DisplayName("was trained on the shipped corpus (by its hash)")
  void matchesCorpus() {
    assertThat(TriageModel.bundled().corpusSha256()).as(RETRAIN).isEqualTo(TriageCorpus.bundled().sha256());
  }

  @Test
  @DisplayName("is exactly what `triage train` makes of the shipped corpus")
  void reproducible() throws IOException {
    byte[] shipped;
    try (InputStream in = getClass().getResourceAsStream("/triage/model.bin")) {
      shipped = in.readAllBytes();
    }
    byte[] trained = new TriageTrainer(TriageTrainer.Settings.DEFAULT, TriageRules.bundled())
        .train(TriageCorpus.bundled()).toBytes();
    assertThat(Arrays.equals(trained, shipped)).as(RETRAIN).isTrue();
  }

  @Test
  @DisplayName("reads back what it writes, with the same verdicts")
  void roundTrip() throws IOException {
    TriageModel model = TriageModel.bundled();
    TriageModel copy = TriageModel.read(model.toBytes());
    for (String text : List.of("死にたい", "家賃が払えません", "I lost my job", "ＯＤしてしまいました")) {
      assertThat(copy.predict(text)).isEqualTo(model.predict(text));
    }
  }

  @Test
  @DisplayName("reads a model of the first format, with its one category threshold for every category")
  void readsFirstFormat() throws IOException {
    TriageModel model = TriageModel.bundled();
    String text = "死にたい。本気";
    double mentalHealth = model.scores(TriageFeatures.of(text))[model.heads().indexOf("mental_health")];
    // The file's one threshold applies to every category: just under this score the category is given, just above not.
    TriageModel below = TriageModel.read(firstFormat(model.toBytes(), mentalHealth - 0.01));
    TriageModel above = TriageModel.read(firstFormat(model.toBytes(), mentalHealth + 0.01));
    assertThat(below.predict(text).categories()).contains("mental_health", "suicide_risk");
    assertThat(above.predict(text).categories()).contains("suicide_risk").doesNotContain("mental_health");
    assertThat(below.predict(text).crisis()).isEqualTo(model.predict(text).crisis());
  }

  @Test
  @DisplayName("a model file whose crisis threshold is not a number is refused as damaged, not read as never or always crisis")
  void refusesNonFiniteCrisisThreshold() throws IOException {
    byte[] file = TriageModel.bundled().toBytes();
    for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> TriageModel.read(withCrisisThreshold(file, bad)))
          .isInstanceOf(TriageModelException.class).hasMessageContaining("crisis thresholds");
    }
  }

  /** The same model file with its first crisis threshold (kana) replaced. */
  private static byte[] withCrisisThreshold(byte[] modelFile, double threshold) throws IOException {
    try (var in = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(modelFile)))) {
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
        out.writeInt(in.readInt());
        out.writeInt(in.readInt());
        out.writeUTF(in.readUTF());
        out.writeUTF(in.readUTF());
        in.readDouble();
        out.writeDouble(threshold);
        in.transferTo(out);
      }
      return bytes.toByteArray();
    }
  }

  /** The same model in the first layout: format 1, and no per-category thresholds after the head names. */
  private static byte[] firstFormat(byte[] modelFile, double categoryThreshold) throws IOException {
    try (var in = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(modelFile)))) {
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
        out.writeInt(in.readInt());
        in.readInt();
        out.writeInt(1);
        out.writeUTF(in.readUTF());
        out.writeUTF(in.readUTF());
        out.writeDouble(in.readDouble());
        out.writeDouble(in.readDouble());
        in.readDouble();
        out.writeDouble(categoryThreshold);
        int heads = in.readInt();
        out.writeInt(heads);
        for (int i = 0; i < heads; i++) {
          out.writeUTF(in.readUTF());
        }
        for (int i = 0; i < heads; i++) {
          in.readDouble();
        }
        in.transferTo(out);
      }
      return bytes.toByteArray();
    }
  }

  @Test
  @DisplayName("refuses a file that is not a model, truncated, or of another format, with a reason")
  void refusesBadFiles() throws IOException {
    byte[] good = TriageModel.bundled().toBytes();
    assertThatThrownBy(() -> TriageModel.read("not a model".getBytes()))
        .isInstanceOf(TriageModelException.class).hasMessageContaining("damaged");
    assertThatThrownBy(() -> TriageModel.read(Arrays.copyOf(good, good.length / 2)))
        .isInstanceOf(TriageModelException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> TriageModel.read(new byte[0])).isInstanceOf(TriageModelException.class);

    // Whole gzip streams whose content is damaged: cut in its arrays, a string that is not text, or inflating to
    // more than any model (35 MB of zeros in 35 kB).
    byte[] layout = inflate(good);
    assertThatThrownBy(() -> TriageModel.read(gzip(Arrays.copyOf(layout, layout.length - 1000))))
        .isInstanceOf(TriageModelException.class).hasMessageContaining("truncated");
    byte[] badText = layout.clone();
    badText[10] = (byte) 0xFF;
    assertThatThrownBy(() -> TriageModel.read(gzip(badText)))
        .isInstanceOf(TriageModelException.class).hasMessageContaining("damaged (text)");
    assertThatThrownBy(() -> TriageModel.read(gzip(new byte[35 << 20])))
        .isInstanceOf(TriageModelException.class).hasMessageContaining("larger than any model");
  }

  private static byte[] inflate(byte[] file) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(file))) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(byte[] content) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  @Test
  @DisplayName("finds the issue's examples that the old rules missed")
  void issueExamples() {
    TriageEngine engine = new TriageEngine(TriageRules.bundled(), TriageModel.bundled());
    assertThat(engine.triage("生きているのがつらいです。誰にも相談できなくて、夜になると死ぬことばかり考えてしまいます").urgency())
        .isEqualTo(Urgency.CRISIS);
    assertThat(engine.triage("ＯＤしてしまいました。薬を全部飲みました").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(engine.triage("もう限界です。明日が来なければいいのに").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("gives no safety message for a bare thanks or an everyday follow-up, and still does for a farewell")
  void bareFollowUps() {
    TriageEngine engine = new TriageEngine(TriageRules.bundled(), TriageModel.bundled());
    // 「お世話になりました」 alone scored as a crisis before part L taught short, bare messages.
    for (String text : List.of("お世話になりました", "ありがとうございました", "LINEからも送ります", "あとで送ります")) {
      assertThat(engine.triage(text).urgency()).as(text).isNotEqualTo(Urgency.CRISIS);
    }
    assertThat(engine.triage("今までありがとう。もう連絡しません").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("finds each feature's row in the vocabulary exactly as a binary search of each does")
  void rowsAsBinarySearch() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 200; round++) {
      int[] vocabulary = random.ints(random.nextInt(3_000), -50_000, 50_000).distinct().sorted().toArray();
      int[] features = random.ints(random.nextInt(400), -60_000, 60_000).distinct().sorted().toArray();
      int[] rows = TriageModel.rowsOf(vocabulary, new TriageFeatures.Vector(features, true));
      for (int i = 0; i < features.length; i++) {
        assertThat(rows[i]).isEqualTo(Math.max(-1, Arrays.binarySearch(vocabulary, features[i])));
      }
    }
  }
}
