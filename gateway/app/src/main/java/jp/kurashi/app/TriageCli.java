package jp.kurashi.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.triage.LabelledMessage;
import jp.kurashi.core.triage.TriageCorpus;
import jp.kurashi.core.triage.TriageCrossValidation;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageEvaluation;
import jp.kurashi.core.triage.TriageModel;
import jp.kurashi.core.triage.TriageModelException;
import jp.kurashi.core.triage.TriageResult;
import jp.kurashi.core.triage.TriageRuleException;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.triage.TriageTrainer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;

/**
 * {@code java -jar gateway.jar triage ...}, starting no server:
 * <ul>
 *   <li>{@code triage [--rules FILE] [--model FILE]}: {@code {"id","text"}} lines on stdin, {@code {"id",
 *       "categories","urgency","matched"}} lines out;</li>
 *   <li>{@code triage train CORPUS... --out MODEL}: trains the model (the shipped one is made so);</li>
 *   <li>{@code triage evaluate --folds 10 CORPUS...}: held-out figures, each fold scored by a model trained
 *       on the others;</li>
 *   <li>{@code triage evaluate FILE}: how the rules and model in force do on messages they never saw.</li>
 * </ul>
 */
final class TriageCli {

  private static final String USAGE = """
      usage: java -jar gateway.jar triage [--rules FILE] [--model FILE] < messages.jsonl
             java -jar gateway.jar triage train CORPUS.jsonl... --out MODEL [--rules FILE]
             java -jar gateway.jar triage evaluate --folds N CORPUS.jsonl... [--rules FILE]
             java -jar gateway.jar triage evaluate FILE.jsonl [--rules FILE] [--model FILE]""";

  private TriageCli() {
  }

  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    try {
      TriageRules rules = rules(take(rest, "--rules"));
      String command = rest.isEmpty() ? "" : rest.get(0);
      return switch (command) {
        case "train" -> train(rest.subList(1, rest.size()), rules, out, err);
        case "evaluate" -> evaluate(rest.subList(1, rest.size()), rules, out, err);
        default -> {
          TriageModel model = model(take(rest, "--model"));
          if (!rest.isEmpty()) {
            err.println(USAGE);
            yield 2;
          }
          yield stream(new TriageEngine(rules, model), in, out, err);
        }
      };
    } catch (UsageException e) {
      err.println("kurashi-gateway triage: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (TriageRuleException e) {
      err.println("kurashi-gateway triage: rules file refused, " + e.getMessage());
      return 2;
    } catch (TriageModelException e) {
      err.println("kurashi-gateway triage: model file refused, " + e.getMessage());
      return 2;
    } catch (IOException | IllegalArgumentException e) {
      err.println("kurashi-gateway triage: " + e.getMessage());
      return 2;
    }
  }

  private static int train(List<String> args, TriageRules rules, PrintStream out, PrintStream err) throws IOException {
    List<String> rest = new ArrayList<>(args);
    String target = take(rest, "--out");
    if (target == null || rest.isEmpty()) {
      throw new UsageException("train needs corpus files and --out MODEL");
    }
    TriageCorpus corpus = TriageCorpus.read(rest.stream().map(Path::of).toList());
    long started = System.nanoTime();
    TriageModel model = new TriageTrainer(TriageTrainer.Settings.DEFAULT, rules).train(corpus);
    Files.write(Path.of(target), model.toBytes());
    out.printf("trained on %d messages (corpus sha256 %s) in %.1f s: %d features, %d categories, crisis threshold %.4f%n",
        corpus.size(), corpus.sha256(), (System.nanoTime() - started) / 1e9, model.features(), model.categories().size(),
        model.crisisThreshold());
    out.printf("crisis threshold for messages without kana %.4f%n", model.otherCrisisThreshold());
    out.println("wrote " + target);
    return 0;
  }

  private static int evaluate(List<String> args, TriageRules rules, PrintStream out, PrintStream err) throws IOException {
    List<String> rest = new ArrayList<>(args);
    String folds = take(rest, "--folds");
    String modelFile = take(rest, "--model");
    if (rest.isEmpty()) {
      throw new UsageException("evaluate needs a labelled file");
    }
    TriageCorpus corpus = TriageCorpus.read(rest.stream().map(Path::of).toList());
    if (folds == null) {
      TriageEngine engine = new TriageEngine(rules, model(modelFile));
      out.print(TriageEvaluation.of(corpus.messages(), m -> engine.triage(m.text())).report());
      return 0;
    }
    if (modelFile != null) {
      throw new UsageException("--folds trains its own models; --model does not apply");
    }
    int k;
    try {
      k = Integer.parseInt(folds);
    } catch (NumberFormatException e) {
      throw new UsageException("--folds needs a whole number");
    }
    List<TriageCrossValidation.HeldOut> held =
        new TriageCrossValidation(new TriageTrainer(TriageTrainer.Settings.DEFAULT, rules)).run(corpus, k);
    List<LabelledMessage> messages = held.stream().map(TriageCrossValidation.HeldOut::message).toList();
    Map<LabelledMessage, TriageCrossValidation.HeldOut> byMessage = new IdentityHashMap<>();
    held.forEach(h -> byMessage.put(h.message(), h));
    out.printf("%d-fold cross-validation on %d messages: every figure is on messages held out from training%n",
        k, corpus.size());
    out.print(TriageEvaluation.of(messages, m -> byMessage.get(m).combined()).report());
    out.println("rules alone: " + TriageEvaluation.of(messages, m -> byMessage.get(m).rules()).summary());
    out.println("model alone: " + TriageEvaluation.of(messages,
        m -> asResult(byMessage.get(m).model())).summary());
    return 0;
  }

  private static TriageResult asResult(TriageModel.Verdict v) {
    return new TriageResult(v.categories(), v.urgency(), List.of());
  }

  private static TriageRules rules(String file) throws IOException, TriageRuleException {
    return file == null ? TriageRules.bundled()
        : TriageRules.parse(Files.readString(Path.of(file), StandardCharsets.UTF_8));
  }

  private static TriageModel model(String file) throws IOException {
    if (file == null) {
      return TriageModel.bundled();
    }
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return TriageModel.read(in);
    }
  }

  /** Removes {@code --name VALUE} from the arguments and returns VALUE, or null if absent. */
  private static String take(List<String> args, String name) {
    int at = args.indexOf(name);
    if (at < 0) {
      return null;
    }
    if (at + 1 >= args.size()) {
      throw new UsageException(name + " needs a value");
    }
    String value = args.get(at + 1);
    args.remove(at + 1);
    args.remove(at);
    return value;
  }

  private static int stream(TriageEngine engine, InputStream in, PrintStream out, PrintStream err) {
    int status = 0;
    int lineNo = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonObject row;
        try {
          row = new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
          err.println("line " + lineNo + ": not a JSON object, skipped");
          status = 1;
          continue;
        }
        TriageResult r = engine.triage(row.getString("text", ""));
        out.println(new JsonObject()
            .put("id", row.getValue("id"))
            .put("categories", new JsonArray(List.copyOf(r.categories())))
            .put("urgency", r.urgency().code())
            .put("matched", r.matchedJson())
            .encode());
      }
    } catch (IOException e) {
      err.println("kurashi-gateway triage: " + e.getMessage());
      return 2;
    }
    out.flush();
    return status;
  }

  /** A command line that does not say what to do. */
  private static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }
}
