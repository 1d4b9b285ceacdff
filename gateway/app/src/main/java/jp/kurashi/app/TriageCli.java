package jp.kurashi.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageEvaluation;
import jp.kurashi.core.triage.TriageResult;
import jp.kurashi.core.triage.TriageRuleException;
import jp.kurashi.core.triage.TriageRules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar gateway.jar triage [--rules FILE]}: reads {@code {"id","text"}} lines on stdin and
 * writes {@code {"id","categories","urgency","matched"}} lines; {@code triage evaluate FILE} prints
 * per-category precision and recall and urgency accuracy for a labelled file. Starts no server.
 */
final class TriageCli {

  private TriageCli() {
  }

  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    TriageRules rules;
    int rulesAt = args.indexOf("--rules");
    try {
      rules = rulesAt >= 0 && rulesAt + 1 < args.size()
          ? TriageRules.parse(Files.readString(Path.of(args.get(rulesAt + 1)), StandardCharsets.UTF_8))
          : TriageRules.bundled();
    } catch (IOException e) {
      err.println("kurashi-gateway triage: cannot read the rules file: " + e.getMessage());
      return 2;
    } catch (TriageRuleException e) {
      err.println("kurashi-gateway triage: rules file refused, " + e.getMessage());
      return 2;
    }
    TriageEngine engine = new TriageEngine(rules);
    if (args.size() >= 2 && args.get(1).equals("evaluate")) {
      if (args.size() < 3) {
        err.println("usage: java -jar gateway.jar triage evaluate FILE");
        return 2;
      }
      try {
        out.print(TriageEvaluation.of(engine, Files.readAllLines(Path.of(args.get(2)), StandardCharsets.UTF_8)).report());
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        err.println("kurashi-gateway triage evaluate: " + e.getMessage());
        return 2;
      }
    }
    return stream(engine, in, out, err);
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
}
