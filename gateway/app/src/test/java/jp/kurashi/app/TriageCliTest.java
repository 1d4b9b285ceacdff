package jp.kurashi.app;

import io.vertx.core.json.JsonObject;
import jp.kurashi.core.triage.LabelledMessage;
import jp.kurashi.core.triage.TriageCorpus;
import jp.kurashi.core.triage.TriageModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("java -jar gateway.jar triage train / evaluate")
class TriageCliTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("triage"));
    all.addAll(List.of(args));
    return TriageCli.run(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** 150 lines of the shipped corpus, split over two files as a desk's own corpus might be. */
  private List<Path> smallCorpus() throws IOException {
    List<LabelledMessage> messages = TriageCorpus.bundled().messages();
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      (i % 2 == 0 ? first : second).add(messages.get(i * 7).toJson().encode());
    }
    Path a = Files.write(dir.resolve("a.jsonl"), first, StandardCharsets.UTF_8);
    Path b = Files.write(dir.resolve("b.jsonl"), second, StandardCharsets.UTF_8);
    return List.of(a, b);
  }

  @Test
  @DisplayName("train writes a model that names its corpus; the order of the files does not matter")
  void train() throws IOException {
    List<Path> corpus = smallCorpus();
    Path one = dir.resolve("one.bin");
    Path two = dir.resolve("two.bin");

    assertThat(run("train", corpus.get(0).toString(), corpus.get(1).toString(), "--out", one.toString())).isZero();
    assertThat(run("train", corpus.get(1).toString(), corpus.get(0).toString(), "--out", two.toString())).isZero();

    assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(two));
    assertThat(TriageModel.read(Files.readAllBytes(one)).corpusSha256())
        .isEqualTo(TriageCorpus.read(corpus).sha256());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("trained on 150 messages");
  }

  @Test
  @DisplayName("evaluate --folds reports held-out figures for rules, model and both")
  void crossValidate() throws IOException {
    List<Path> corpus = smallCorpus();

    assertThat(run("evaluate", "--folds", "3", corpus.get(0).toString(), corpus.get(1).toString())).isZero();

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("3-fold cross-validation on 150 messages").contains("false crisis")
        .contains("rules alone:").contains("model alone:");
  }

  @Test
  @DisplayName("a model file given to the stream is used, a bad one refused with its reason")
  void modelFile() throws IOException {
    Path model = dir.resolve("m.bin");
    Files.write(model, TriageModel.bundled().toBytes());
    Path bad = Files.writeString(dir.resolve("bad.bin"), "hello");
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    int status = TriageCli.run(List.of("triage", "--model", model.toString()),
        new ByteArrayInputStream("{\"id\":1,\"text\":\"もう限界です。明日が来なければいいのに\"}\n".getBytes(StandardCharsets.UTF_8)),
        new PrintStream(lines, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isZero();
    assertThat(new JsonObject(lines.toString(StandardCharsets.UTF_8).strip()).getString("urgency")).isEqualTo("crisis");
    assertThat(run("--model", bad.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("model file refused");
  }

  @Test
  @DisplayName("a wrong command line gets usage and exit status 2, a broken corpus its line number")
  void usage() throws IOException {
    assertThat(run("train", "--out")).isEqualTo(2);
    assertThat(run("train", "x.jsonl")).isEqualTo(2);
    assertThat(run("evaluate", "--folds", "ten", "x.jsonl")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"id\":\"1\",\"text\":\"a\",\"categories\":[\"food\"]}\nnot json\n");
    assertThat(run("evaluate", "--folds", "2", broken.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.jsonl line 2");
  }
}
